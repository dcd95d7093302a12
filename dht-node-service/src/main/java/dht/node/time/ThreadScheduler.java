package dht.node.time;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The application's {@link NodeScheduler}: the system clock, Spring's task scheduler and a virtual thread per task. */
@Component
public class ThreadScheduler implements NodeScheduler {

    private final TaskScheduler scheduler;
    private final ExecutorService fanOut = Executors.newVirtualThreadPerTaskExecutor();

    public ThreadScheduler(TaskScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public void runAfter(Duration delay, String name, Runnable task) {
        if (delay.isZero()) {
            Thread.ofVirtual().name(name).start(task);
        } else {
            scheduler.schedule(() -> Thread.ofVirtual().name(name).start(task), Instant.now().plus(delay));
        }
    }

    @Override
    public void runEvery(Duration interval, String name, Runnable task) {
        scheduler.scheduleWithFixedDelay(task, Instant.now().plus(interval), interval);
    }

    @Override
    public void pause(Duration duration) throws InterruptedException {
        Thread.sleep(duration);
    }

    @Override
    public Executor fanOut() {
        return fanOut;
    }
}
