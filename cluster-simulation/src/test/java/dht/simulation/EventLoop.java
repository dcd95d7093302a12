package dht.simulation;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;

/**
 * The one thread and the one clock of a simulated cluster: events run one at a time in the order
 * of their time, those due at the same millisecond in the order they were scheduled. Time moves
 * only when an event comes due, a message travels or a node pauses in place, so a run depends on
 * its seed alone.
 */
final class EventLoop {

    /** Where a run starts: a fixed instant, so that versions and leases read alike in every replay. */
    private static final long START_MILLIS = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    /** How deep waits in place may nest, each running the events due while it waits. */
    private static final int MAX_NESTED_PAUSES = 3;

    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long nowMillis = START_MILLIS;
    private long scheduled;
    private long ran;
    private int pausing;

    long nowMillis() {
        return nowMillis;
    }

    Instant now() {
        return Instant.ofEpochMilli(nowMillis);
    }

    long elapsedMillis() {
        return nowMillis - START_MILLIS;
    }

    long eventsRun() {
        return ran;
    }

    /** Runs {@code task} {@code delayMillis} from now. */
    void schedule(long delayMillis, String name, Runnable task) {
        queue.add(new Event(nowMillis + Math.max(0, delayMillis), scheduled++, name, task));
    }

    /** Time passing inside an event: a message on the wire. */
    void advance(long millis) {
        nowMillis += Math.max(0, millis);
    }

    /**
     * A task that waits in place for {@code millis}: the events due meanwhile run first, as other
     * threads would run while it sleeps, unless waits are nested too deep already; then time just
     * passes.
     */
    void pause(long millis) {
        long until = nowMillis + Math.max(0, millis);
        if (pausing < MAX_NESTED_PAUSES) {
            pausing++;
            try {
                while (!queue.isEmpty() && queue.peek().at() <= until) {
                    runNext();
                }
            } finally {
                pausing--;
            }
        }
        nowMillis = Math.max(nowMillis, until);
    }

    /** Runs the next event; false when none is left. */
    Event runNext() {
        Event next = queue.poll();
        if (next == null) {
            return null;
        }
        // an event that came due while another one advanced the clock runs late, never in the past
        nowMillis = Math.max(nowMillis, next.at());
        ran++;
        next.task().run();
        return next;
    }

    /** The loop's time as a {@link Clock}, for the registry's leases. */
    Clock clock() {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now();
            }
        };
    }

    record Event(long at, long sequence, String name, Runnable task) implements Comparable<Event> {

        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(at, other.at);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
