package dht.node.observability;

import dht.node.membership.LocalNode;
import dht.node.telemetry.RingEvent;
import dht.node.web.EventStreams;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.time.Instant;

/**
 * {@code GET /ring/events}: ring events as Server-Sent Events, for {@code dhtctl watch} or a
 * browser's {@code EventSource}. Publishing only queues an event for each subscriber
 * ({@link EventStreams}), so a subscriber that stops reading never holds up the thread that changed
 * the ring (which may hold the node's ownership lock).
 */
@Tag(name = "Ring events", description = "Joins, leaves, neighbor changes and transfers as they happen")
@RestController
class RingEventStream {

    private final LocalNode node;
    private final EventsProperties properties;
    private final EventStreams<RingEvent> streams;

    RingEventStream(LocalNode node, EventsProperties properties, EventStreams<RingEvent> streams) {
        this.node = node;
        this.properties = properties;
        this.streams = streams;
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
        // the first event also sends the response headers, so that a client knows it is subscribed
        return streams.open(properties.maxLifetime(),
                event(new RingEvent("subscribed", Instant.now(), node.self().orElse(null), null, null, null)), () -> {
                }).emitter();
    }

    /** Queues the event for every subscriber; one whose backlog is full is dropped. Never blocks. */
    @EventListener
    void publish(RingEvent event) {
        streams.publish(event);
    }

    static SseEmitter.SseEventBuilder event(RingEvent event) {
        return SseEmitter.event().name(event.type()).data(event, MediaType.APPLICATION_JSON);
    }
}
