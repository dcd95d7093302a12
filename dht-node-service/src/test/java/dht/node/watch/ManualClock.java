package dht.node.watch;

import dht.node.time.NodeScheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;

/** A scheduler whose time moves only when a test moves it; the watch logic under test asks it the time only. */
final class ManualClock implements NodeScheduler {

    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public void runAfter(Duration delay, String name, Runnable task) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void runEvery(Duration interval, String name, Runnable task) {
        throw new UnsupportedOperationException();
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
