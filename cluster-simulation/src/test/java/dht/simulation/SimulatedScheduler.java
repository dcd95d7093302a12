package dht.simulation;

import dht.node.time.NodeScheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * One node's {@link NodeScheduler} in the simulation: its tasks become events of the loop, each
 * delayed by a little jitter drawn from the seed so that tasks due together run in an order the
 * seed chooses; they run only while the node they belong to runs. A task that pauses lets the
 * events due meanwhile run. The calls of one request to several peers run one after another, in place.
 */
final class SimulatedScheduler implements NodeScheduler {

    private final EventLoop loop;
    private final Faults faults;
    private final String node;
    private final BooleanSupplier running;

    SimulatedScheduler(EventLoop loop, Faults faults, String node, BooleanSupplier running) {
        this.loop = loop;
        this.faults = faults;
        this.node = node;
        this.running = running;
    }

    @Override
    public Instant now() {
        return loop.now();
    }

    @Override
    public void runAfter(Duration delay, String name, Runnable task) {
        loop.schedule(delay.toMillis() + faults.jitterMillis(), node + " " + name, () -> {
            if (running.getAsBoolean()) {
                task.run();
            }
        });
    }

    @Override
    public void runEvery(Duration interval, String name, Runnable task) {
        runAfter(interval, name, () -> {
            task.run();
            runEvery(interval, name, task);
        });
    }

    @Override
    public void pause(Duration duration) {
        loop.pause(duration.toMillis());
    }

    @Override
    public Executor fanOut() {
        return Runnable::run;
    }
}
