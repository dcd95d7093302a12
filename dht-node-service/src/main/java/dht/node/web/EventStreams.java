package dht.node.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Server-Sent Event streams of one kind ({@code /ring/events}, watches on keys), bounded in number,
 * lifetime and backlog. Offering an event only queues it: each stream is written by a virtual thread
 * of its own, so a subscriber that stops reading never holds up the thread that produced the event.
 * A subscriber that falls a whole backlog behind gets a final event and its stream ends, rather than
 * growing the node's memory. Quiet streams get heartbeats, so that vanished subscribers are let go
 * and proxies keep the connection open. A bean: when the node stops, after its own leave, every
 * stream ends, so that none holds up the web server's graceful shutdown.
 *
 * @param <E> what the streams carry
 */
public final class EventStreams<E> implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EventStreams.class);
    private static final long RETRY_AFTER_SECONDS = 5;
    /** How long the web server lets a stream run past its own end, should its writer be stuck. */
    private static final Duration OVERRUN = Duration.ofSeconds(30);

    private final Set<Stream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final String kind;
    private final String maxSubscribersProperty;
    private final Limits limits;
    private final Function<E, SseEmitter.SseEventBuilder> render;
    private final Supplier<SseEmitter.SseEventBuilder> dropped;
    private volatile boolean running;

    /**
     * @param kind                   what the streams are, for logs and the refusal's detail ("ring-event streams")
     * @param maxSubscribersProperty the property that bounds them, named in the refusal
     * @param render                 an event as the stream writes it
     * @param dropped                the last event of a stream whose subscriber fell behind
     */
    public EventStreams(String kind, String maxSubscribersProperty, Limits limits,
                        Function<E, SseEmitter.SseEventBuilder> render, Supplier<SseEmitter.SseEventBuilder> dropped) {
        this.kind = kind;
        this.maxSubscribersProperty = maxSubscribersProperty;
        this.limits = limits;
        this.render = render;
        this.dropped = dropped;
    }

    /**
     * Opens a stream that lasts {@code lifetime} at most (and never past the limits' lifetime), sends
     * {@code first} at once, which also sends the response headers, and calls {@code onEnd} once when
     * the stream ends, whichever way. Refused with {@code 429} and {@code Retry-After} when the limit
     * of open streams is reached.
     */
    public Stream open(Duration lifetime, SseEmitter.SseEventBuilder first, Runnable onEnd) throws IOException {
        if (open.incrementAndGet() > limits.maxSubscribers()) {
            open.decrementAndGet();
            throw tooManySubscribers();
        }
        Duration bounded = lifetime.compareTo(limits.maxLifetime()) < 0 ? lifetime : limits.maxLifetime();
        Stream stream = new Stream(new SseEmitter(bounded.plus(OVERRUN).toMillis()), new ArrayBlockingQueue<>(limits.buffer()),
                System.nanoTime() + bounded.toNanos(), onEnd);
        stream.emitter.onCompletion(stream::end);
        stream.emitter.onTimeout(stream::end);
        stream.emitter.onError(error -> stream.end());
        try {
            stream.emitter.send(first);
        } catch (IOException | RuntimeException e) {
            stream.end();
            throw e;
        }
        streams.add(stream);
        Thread.ofVirtual().name(kind + "-subscriber").start(() -> deliver(stream));
        return stream;
    }

    /** Queues the event for every open stream; one whose backlog is full is dropped. Never blocks. */
    public void publish(E event) {
        streams.forEach(stream -> stream.offer(event));
    }

    @Override
    public void start() {
        running = true;
    }

    /** Ends every stream: the node is stopping, and open streams would hold up the web server's graceful shutdown. */
    @Override
    public void stop() {
        running = false;
        streams.forEach(stream -> {
            stream.end();
            stream.emitter.complete();
        });
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Right after the leave (which stops first) and before the web server's graceful shutdown. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1;
    }

    /** Writes a stream's events as they come, a heartbeat when none came for a while, until the stream ends. */
    private void deliver(Stream stream) {
        try {
            while (streams.contains(stream)) {
                if (stream.fellBehind) {
                    log.info("dropped a subscriber of {} that fell {} events behind", kind, limits.buffer());
                    stream.emitter.send(dropped.get());
                    stream.end();
                    stream.emitter.complete();
                    return;
                }
                long left = stream.endsAtNanos - System.nanoTime();
                if (left <= 0) {
                    // let go before the client sees the end, so that it may open another at once
                    stream.end();
                    stream.emitter.complete();
                    return;
                }
                E next = stream.queue.poll(Math.min(left, limits.heartbeatInterval().toNanos()), TimeUnit.NANOSECONDS);
                if (next != null) {
                    stream.emitter.send(render.apply(next));
                } else if (stream.endsAtNanos - System.nanoTime() > 0) {
                    stream.emitter.send(SseEmitter.event().comment("heartbeat"));
                }
            }
        } catch (IOException | IllegalStateException gone) {
            // the subscriber went away, or the stream ended meanwhile
            stream.emitter.completeWithError(gone);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } finally {
            stream.end();
        }
    }

    private ErrorResponseException tooManySubscribers() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
                "This node serves " + limits.maxSubscribers() + " " + kind + " at once (" + maxSubscribersProperty + "); retry later.");
        problem.setTitle("Too many subscribers");
        ErrorResponseException refused = new ErrorResponseException(HttpStatus.TOO_MANY_REQUESTS, problem, null);
        refused.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS));
        return refused;
    }

    /**
     * How many streams, how long, how far behind.
     *
     * @param maxSubscribers    streams open at once; one more is answered {@code 429} with {@code Retry-After}
     * @param heartbeatInterval how often a quiet stream gets a comment
     * @param maxLifetime       how long a stream lasts; then it ends and the subscriber reconnects
     * @param buffer            events held for a subscriber that reads slower than they come
     */
    public record Limits(int maxSubscribers, Duration heartbeatInterval, Duration maxLifetime, int buffer) {
    }

    /** One subscriber's stream. */
    public final class Stream {

        private final SseEmitter emitter;
        private final BlockingQueue<E> queue;
        private final long endsAtNanos;
        private final Runnable onEnd;
        private final AtomicBoolean released = new AtomicBoolean();
        private volatile boolean fellBehind;

        private Stream(SseEmitter emitter, BlockingQueue<E> queue, long endsAtNanos, Runnable onEnd) {
            this.emitter = emitter;
            this.queue = queue;
            this.endsAtNanos = endsAtNanos;
            this.onEnd = onEnd;
        }

        public SseEmitter emitter() {
            return emitter;
        }

        /** Queues an event; a stream whose backlog is full is dropped instead. Never blocks. */
        public void offer(E event) {
            if (!queue.offer(event)) {
                fellBehind = true;
            }
        }

        public boolean isOpen() {
            return !released.get();
        }

        /** Lets the stream go, once, whichever of its ends comes first. */
        private void end() {
            streams.remove(this);
            if (released.compareAndSet(false, true)) {
                open.decrementAndGet();
                onEnd.run();
            }
        }
    }
}
