package dht.node.time;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link NodeScheduler} whose clock moves only when a test moves it, for what depends on the time
 * alone (expiry, grace periods, deadlines). Nothing is scheduled: a test runs the work itself; the
 * calls of one request to several peers run on the caller's thread.
 */
public final class ManualScheduler implements NodeScheduler {

    private final AtomicReference<Instant> now;

    public ManualScheduler(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    public void advance(Duration duration) {
        now.updateAndGet(instant -> instant.plus(duration));
    }

    @Override
    public Instant now() {
        return now.get();
    }

    @Override
    public void runAfter(Duration delay, String name, Runnable task) {
    }

    @Override
    public void runEvery(Duration interval, String name, Runnable task) {
    }

    @Override
    public void pause(Duration duration) {
        advance(duration);
    }

    @Override
    public Executor fanOut() {
        return Runnable::run;
    }
}
