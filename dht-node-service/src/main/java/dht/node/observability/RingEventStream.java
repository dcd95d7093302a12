package dht.node.observability;

import dht.node.membership.LocalNode;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code GET /ring/events}: ring events as Server-Sent Events, for {@code dhtctl watch} or a
 * browser's {@code EventSource}. Subscribers are let go when the node stops, after its own leave,
 * so that they do not hold up the web server's graceful shutdown.
 */
@Tag(name = "Ring events", description = "Joins, leaves, neighbor changes and transfers as they happen")
@RestController
class RingEventStream implements SmartLifecycle {

    private static final Duration SUBSCRIPTION = Duration.ofHours(1);

    private final List<SseEmitter> subscribers = new CopyOnWriteArrayList<>();
    private final LocalNode node;
    private volatile boolean running;

    RingEventStream(LocalNode node) {
        this.node = node;
    }

    @Operation(summary = "Follow ring events", description = "A Server-Sent Events stream; each event is named by its type "
            + "and carries a JSON RingEvent. It opens with a 'subscribed' event about this node. The stream ends after an "
            + "hour or when the node stops; reconnect to go on.")
    @ApiResponse(responseCode = "200", description = "The event stream", content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE))
    @GetMapping(path = "/ring/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter subscribe() throws IOException {
        SseEmitter emitter = new SseEmitter(SUBSCRIPTION.toMillis());
        emitter.onCompletion(() -> subscribers.remove(emitter));
        emitter.onTimeout(() -> subscribers.remove(emitter));
        emitter.onError(error -> subscribers.remove(emitter));
        // the first event also sends the response headers, so that a client knows it is subscribed
        emitter.send(event(new RingEvent("subscribed", Instant.now(), node.self().orElse(null), null, null, null)));
        subscribers.add(emitter);
        return emitter;
    }

    @EventListener
    void publish(RingEvent event) {
        for (SseEmitter emitter : subscribers) {
            try {
                emitter.send(event(event));
            } catch (IOException | IllegalStateException gone) {
                subscribers.remove(emitter);
            }
        }
    }

    private static SseEmitter.SseEventBuilder event(RingEvent event) {
        return SseEmitter.event().name(event.type()).data(event, MediaType.APPLICATION_JSON);
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        subscribers.forEach(SseEmitter::complete);
        subscribers.clear();
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
}
