package dht.node.watch;

import dht.core.HybridClock;
import dht.core.wire.ChangePage;
import dht.core.wire.ChangeQuery;
import dht.core.wire.Entry;
import dht.core.wire.KeyChange;
import dht.node.storage.AppliedWrites;
import dht.node.time.NodeScheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The writes this node applied lately, in the order it applied them, for the watches on keys: at most
 * {@code capacity} of them and none older than {@code maxAge}. Each change gets the next position of
 * this log; a log starts afresh (a new epoch) with the node. A reader asks for the changes after the
 * position it last read, or, resuming a client's watch, for those whose version is later than a clock
 * reading; when what it asks for was let go already, the page says {@code reset}.
 */
public final class ChangeLog implements AppliedWrites {

    /** The most changes one page carries, so that a reader far behind catches up page by page. */
    static final int PAGE = 1000;

    private final ArrayDeque<Logged> changes = new ArrayDeque<>();
    private final int capacity;
    private final Duration maxAge;
    private final NodeScheduler scheduler;
    private final long epoch;
    private long last;
    private long letGoThrough;
    /** The latest version reading among the changes let go; a resume from before it may miss some. */
    private long horizon;

    /**
     * @param heldKeysBefore whether the node's store held keys when it started: then it applied writes
     *                       in an earlier life that this log never had, and a resume from before now is
     *                       told so
     */
    public ChangeLog(int capacity, Duration maxAge, NodeScheduler scheduler, long epoch, boolean heldKeysBefore) {
        this.capacity = capacity;
        this.maxAge = maxAge;
        this.scheduler = scheduler;
        this.epoch = epoch;
        this.horizon = heldKeysBefore ? HybridClock.readingAt(scheduler.now().toEpochMilli()) : 0;
    }

    @Override
    public synchronized void applied(Entry entry) {
        changes.addLast(new Logged(++last, KeyChange.of(entry), scheduler.now()));
        trim();
        notifyAll();
    }

    /**
     * The changes under the query's prefix from where it asks, waiting up to {@code wait} for one to
     * come when there is none yet.
     */
    public synchronized ChangePage read(ChangeQuery query, Duration wait) throws InterruptedException {
        trim();
        long deadline = System.nanoTime() + wait.toNanos();
        long after = startOf(query);
        boolean reset = query.since() != null ? horizon > query.since() : after < letGoThrough;
        while (true) {
            List<KeyChange> found = new ArrayList<>();
            long next = collect(query, after, found);
            long left = deadline - System.nanoTime();
            if (!found.isEmpty() || reset || left <= 0) {
                return new ChangePage(epoch, next, reset, found);
            }
            after = next;
            wait(Math.max(1, left / 1_000_000));
            trim();
            reset = after < letGoThrough;
        }
    }

    /** The position after which a query reads. */
    private long startOf(ChangeQuery query) {
        if (query.since() != null) {
            return Math.min(letGoThrough, last);
        }
        if (query.after() == null) {
            return last;
        }
        return query.epoch() != null && query.epoch() == epoch ? Math.min(query.after(), last) : 0;
    }

    /** Adds the changes after {@code after} to {@code found}, a page at most; answers the position the next read starts after. */
    private long collect(ChangeQuery query, long after, List<KeyChange> found) {
        // walked from the end: a reader that keeps up reads only the few changes since its last page
        List<Logged> newer = new ArrayList<>();
        Iterator<Logged> latestFirst = changes.descendingIterator();
        while (latestFirst.hasNext()) {
            Logged logged = latestFirst.next();
            if (logged.position() <= after) {
                break;
            }
            newer.add(logged);
        }
        long next = after;
        for (Logged logged : newer.reversed()) {
            if (found.size() == PAGE) {
                break;
            }
            next = logged.position();
            KeyChange change = logged.change();
            if (change.key().startsWith(query.prefix())
                    && (query.since() == null || change.version().timestamp() > query.since())) {
                found.add(change);
            }
        }
        return Math.max(next, Math.min(after, last));
    }

    private void trim() {
        Instant oldest = scheduler.now().minus(maxAge);
        while (!changes.isEmpty() && (changes.size() > capacity || changes.peekFirst().at().isBefore(oldest))) {
            Logged dropped = changes.removeFirst();
            letGoThrough = dropped.position();
            horizon = Math.max(horizon, dropped.change().version().timestamp());
        }
    }

    private record Logged(long position, KeyChange change, Instant at) {
    }
}
