package dht.node.observability;

import dht.node.membership.LocalNode;
import dht.node.telemetry.RingEvent;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code GET /ring/events}: ring events as Server-Sent Events, for {@code dhtctl watch} or a
 * browser's {@code EventSource}. Publishing only queues an event for each subscriber: each stream is
 * written by a virtual thread of its own, so a subscriber that stops reading never holds up the
 * thread that changed the ring (which may hold the node's ownership lock). Streams are bounded in
 * number, lifetime and backlog, and get heartbeats so that vanished subscribers are let go.
 * Subscribers are let go when the node stops, after its own leave, so that they do not hold up the
 * web server's graceful shutdown.
 */
@Tag(name = "Ring events", description = "Joins, leaves, neighbor changes and transfers as they happen")
@RestController
class RingEventStream implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RingEventStream.class);
    private static final long RETRY_AFTER_SECONDS = 5;

    private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
    private final AtomicInteger open = new AtomicInteger();
    private final LocalNode node;
    private final EventsProperties properties;
    private volatile boolean running;

    RingEventStream(LocalNode node, EventsProperties properties) {
        this.node = node;
        this.properties = properties;
    }

    @Operation(summary = "Follow ring events", description = "A Server-Sent Events stream; each event is named by its type "
            + "and carries a JSON RingEvent. It opens with a 'subscribed' event about this node, and a comment comes "
            + "as a heartbeat while nothing happens. The stream ends after dht.events.max-lifetime or when the node "
            + "stops; reconnect to go on. A subscriber that falls dht.events.buffer events behind gets a 'dropped' "
            + "event and the stream ends. With a cluster token or API keys configured it needs a credential (an API "
            + "key suffices).")
    @ApiResponse(responseCode = "200", description = "The event stream", content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE))
    @ApiResponse(responseCode = "429", description = "dht.events.max-subscribers streams are open; see Retry-After",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @GetMapping(path = "/ring/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter subscribe() throws IOException {
        if (open.incrementAndGet() > properties.maxSubscribers()) {
            open.decrementAndGet();
            throw tooManySubscribers(properties.maxSubscribers());
        }
        Subscriber subscriber = new Subscriber(new SseEmitter(properties.maxLifetime().toMillis()),
                new ArrayBlockingQueue<>(properties.buffer()));
        subscriber.emitter.onCompletion(() -> let(subscriber));
        subscriber.emitter.onTimeout(() -> let(subscriber));
        subscriber.emitter.onError(error -> let(subscriber));
        try {
            // the first event also sends the response headers, so that a client knows it is subscribed
            subscriber.emitter.send(event(new RingEvent("subscribed", Instant.now(), node.self().orElse(null), null, null, null)));
        } catch (IOException | RuntimeException e) {
            let(subscriber);
            throw e;
        }
        subscribers.add(subscriber);
        Thread.ofVirtual().name("ring-events-subscriber").start(() -> deliver(subscriber));
        return subscriber.emitter;
    }

    /** Queues the event for every subscriber; one whose backlog is full is dropped. Never blocks. */
    @EventListener
    void publish(RingEvent event) {
        for (Subscriber subscriber : subscribers) {
            if (!subscriber.queue.offer(event)) {
                subscriber.fellBehind = true;
            }
        }
    }

    /** Writes a subscriber's events as they come, a heartbeat when none came for a while, until the stream ends. */
    private void deliver(Subscriber subscriber) {
        try {
            while (subscribers.contains(subscriber)) {
                if (subscriber.fellBehind) {
                    log.info("dropped a ring-event subscriber that fell {} events behind", properties.buffer());
                    subscriber.emitter.send(event(new RingEvent("dropped", Instant.now(), node.self().orElse(null), null, null, null)));
                    subscriber.emitter.complete();
                    return;
                }
                RingEvent next = subscriber.queue.poll(properties.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
                if (next == null) {
                    subscriber.emitter.send(SseEmitter.event().comment("heartbeat"));
                } else {
                    subscriber.emitter.send(event(next));
                }
            }
        } catch (IOException | IllegalStateException gone) {
            // the subscriber went away, or the stream ended meanwhile
            subscriber.emitter.completeWithError(gone);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } finally {
            let(subscriber);
        }
    }

    /** Lets a subscriber go, once, whichever of its stream's ends comes first. */
    private void let(Subscriber subscriber) {
        subscribers.remove(subscriber);
        if (subscriber.released.compareAndSet(false, true)) {
            open.decrementAndGet();
        }
    }

    private static SseEmitter.SseEventBuilder event(RingEvent event) {
        return SseEmitter.event().name(event.type()).data(event, MediaType.APPLICATION_JSON);
    }

    private static ErrorResponseException tooManySubscribers(int max) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS,
                "This node serves " + max + " ring-event streams at once (dht.events.max-subscribers); retry later.");
        problem.setTitle("Too many subscribers");
        ErrorResponseException refused = new ErrorResponseException(HttpStatus.TOO_MANY_REQUESTS, problem, null);
        refused.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS));
        return refused;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        subscribers.forEach(subscriber -> {
            let(subscriber);
            subscriber.emitter.complete();
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

    private static final class Subscriber {
        final SseEmitter emitter;
        final BlockingQueue<RingEvent> queue;
        final AtomicBoolean released = new AtomicBoolean();
        volatile boolean fellBehind;

        Subscriber(SseEmitter emitter, BlockingQueue<RingEvent> queue) {
            this.emitter = emitter;
            this.queue = queue;
        }
    }
}
