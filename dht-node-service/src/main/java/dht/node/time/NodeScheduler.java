package dht.node.time;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;

/**
 * When the node's protocol work runs, and what time it is for it: joins and their retries,
 * probes, ring refreshes, anti-entropy, the pulls of ranges taken over. The application runs it on
 * virtual threads and the system clock; the cluster simulation runs every node on one thread and
 * one virtual clock, from one seed.
 */
public interface NodeScheduler {

    /** The current instant, by which timeouts and intervals are measured. */
    Instant now();

    /** Runs {@code task} once, {@code delay} from now, on a thread of its own: it may wait on peers. */
    void runAfter(Duration delay, String name, Runnable task);

    /** Runs {@code task} every {@code interval}, the first time {@code interval} from now, each run after the last one ended. */
    void runEvery(Duration interval, String name, Runnable task);

    /** Waits {@code duration} before work that runs on retries in place (a transfer round, a leave's go-ahead). */
    void pause(Duration duration) throws InterruptedException;

    /** Where the calls of one request to several peers run side by side. */
    Executor fanOut();
}
