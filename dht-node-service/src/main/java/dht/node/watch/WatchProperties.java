package dht.node.watch;

import dht.node.web.EventStreams;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Watches on keys ({@code GET /keys?prefix=P&watch=true}) and the change log they read, under
 * {@code dht.watch.*}.
 *
 * @param maxSubscribers    watches open at once on this node; one more is answered {@code 429} with {@code Retry-After}
 * @param heartbeatInterval how often a quiet watch gets a comment
 * @param maxLifetime       how long a watch lasts; then it ends and the client resumes with {@code Last-Event-ID}
 * @param buffer            events held for a client that reads slower than they come; one that falls
 *                          further behind gets a {@code dropped} event and its watch ends
 * @param logSize           changes each node keeps for watches; a resume from further back gets {@code reset}
 * @param logAge            how long each node keeps a change for watches
 * @param reorderWindow     how long a watch holds a change before it sends it, so that the same write
 *                          from each replica, and writes of one key through different nodes, come together
 *                          and go out once, in version order
 * @param resumeSlack       how far before the {@code Last-Event-ID} a resumed watch reads the logs
 *                          again, for changes applied a little after others with later versions
 * @param seenKeys          keys whose last version sent a watch remembers, to send each write once
 * @param pollWait          how long a member holds a watching node's read of its log while it has no change
 */
@Validated
@ConfigurationProperties("dht.watch")
public record WatchProperties(
        @Min(1) @DefaultValue("64") int maxSubscribers,
        @NotNull @DefaultValue("15s") Duration heartbeatInterval,
        @NotNull @DefaultValue("1h") Duration maxLifetime,
        @Min(1) @DefaultValue("1024") int buffer,
        @Min(1) @DefaultValue("10000") int logSize,
        @NotNull @DefaultValue("10m") Duration logAge,
        @NotNull @DefaultValue("200ms") Duration reorderWindow,
        @NotNull @DefaultValue("5s") Duration resumeSlack,
        @Min(1) @DefaultValue("100000") int seenKeys,
        @NotNull @DefaultValue("2s") Duration pollWait) {

    EventStreams.Limits limits() {
        return new EventStreams.Limits(maxSubscribers, heartbeatInterval, maxLifetime, buffer);
    }
}
