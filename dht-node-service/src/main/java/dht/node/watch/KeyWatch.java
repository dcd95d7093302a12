package dht.node.watch;

import dht.core.Version;
import dht.core.wire.KeyChange;
import dht.node.time.NodeScheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * One client's watch: the changes under its prefix, as every member's change log tells of them,
 * merged into one stream. A write is applied by each of its key's replicas, so it comes from several
 * logs, and not in the same order from each: a change is held for {@code reorderWindow} after it came,
 * then sent in version order, and a change whose version is not later than the last one sent for
 * its key is dropped. So each write is sent once, and each key's changes in the order of their
 * versions.
 * <p>
 * The last versions sent are kept for {@code seenKeys} keys at most; what was forgotten raises the
 * floor, the reading no change at or before which is sent: the watch's start (less the resume
 * slack, for a resumed one) at first. Should a change come late, after a later change of its key was
 * sent or below the floor, it is dropped: each key's order is kept, at the cost of a change late
 * past the window, which no log that sends it in time had.
 */
final class KeyWatch {

    private static final Comparator<Held> VERSION_ORDER = Comparator.comparing((Held held) -> held.change().version())
            .thenComparing(held -> held.change().key());

    private final String prefix;
    private final Duration reorderWindow;
    private final int maxHeld;
    private final NodeScheduler scheduler;
    private final PriorityQueue<Held> held = new PriorityQueue<>(VERSION_ORDER);
    private final Set<KeyChange> heldChanges = new HashSet<>();
    private final Map<String, Version> lastSent;
    private long floor;
    private boolean resetDue;
    private boolean lastWasReset;

    /**
     * @param floor   the hybrid clock reading at or before which no change is sent
     * @param maxHeld changes held at most: beyond it the earliest go out before their window is over
     */
    KeyWatch(String prefix, long floor, Duration reorderWindow, int seenKeys, int maxHeld, NodeScheduler scheduler) {
        this.prefix = prefix;
        this.floor = floor;
        this.reorderWindow = reorderWindow;
        this.maxHeld = maxHeld;
        this.scheduler = scheduler;
        this.lastSent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Version> eldest) {
                if (size() <= seenKeys) {
                    return false;
                }
                KeyWatch.this.floor = Math.max(KeyWatch.this.floor, eldest.getValue().timestamp());
                return true;
            }
        };
    }

    /** A change one member's log told of. */
    synchronized void offer(KeyChange change) {
        if (!change.key().startsWith(prefix) || change.version().timestamp() <= floor || !isNew(change)
                || !heldChanges.add(change)) {
            return;
        }
        held.add(new Held(change, scheduler.now()));
    }

    /** A member's log no longer reached back to where the watch asked it from: changes may have been missed. */
    synchronized void missed() {
        resetDue = true;
    }

    /** What is due to the client now: a reset first, when one is, then the changes whose window is over, in version order. */
    synchronized List<WatchEvent> due() {
        List<WatchEvent> due = new ArrayList<>();
        if (resetDue) {
            resetDue = false;
            if (!lastWasReset) {
                due.add(WatchEvent.reset());
                lastWasReset = true;
            }
        }
        Instant ripe = scheduler.now().minus(reorderWindow);
        while (!held.isEmpty() && (!held.peek().came().isAfter(ripe) || held.size() > maxHeld)) {
            KeyChange change = held.poll().change();
            heldChanges.remove(change);
            if (isNew(change)) {
                lastSent.put(change.key(), change.version());
                due.add(WatchEvent.of(change));
                lastWasReset = false;
            }
        }
        return due;
    }

    /** Whether the change is later than the last one sent for its key. */
    private boolean isNew(KeyChange change) {
        Version last = lastSent.get(change.key());
        return last == null ? change.version().timestamp() > floor : change.version().isNewerThan(last);
    }

    private record Held(KeyChange change, Instant came) {
    }
}
