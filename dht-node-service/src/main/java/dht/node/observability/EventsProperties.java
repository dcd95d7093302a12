package dht.node.observability;

import dht.node.web.EventStreams;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * The ring-event streams ({@code GET /ring/events}), under {@code dht.events.*}. Each stream holds a
 * connection for as long as it lasts, so they are bounded apart from the request limits.
 *
 * @param maxSubscribers    streams open at once; one more is answered {@code 429} with {@code Retry-After}
 * @param heartbeatInterval how often a quiet stream gets a comment, so that a subscriber that went
 *                          away is noticed and let go, and proxies keep the connection open
 * @param maxLifetime       how long a stream lasts; then it ends and the subscriber reconnects
 * @param buffer            events held for a subscriber that reads slower than they come; one that
 *                          falls further behind is dropped, never slowing the node down
 */
@Validated
@ConfigurationProperties("dht.events")
public record EventsProperties(
        @Min(1) @DefaultValue("64") int maxSubscribers,
        @NotNull @DefaultValue("15s") Duration heartbeatInterval,
        @NotNull @DefaultValue("1h") Duration maxLifetime,
        @Min(1) @DefaultValue("256") int buffer) {

    public EventStreams.Limits limits() {
        return new EventStreams.Limits(maxSubscribers, heartbeatInterval, maxLifetime, buffer);
    }
}
