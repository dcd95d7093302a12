package dht.node.keys;

import dht.core.wire.DhtHeaders;
import dht.node.config.NodeProperties;
import dht.node.time.NodeScheduler;
import dht.web.ClusterSecurity;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

import java.time.Duration;
import java.time.Instant;

/**
 * What the node that forwarded a key request says of it: how often it was forwarded before
 * ({@code X-DHT-Hops}) and how long its client still waits ({@code X-DHT-Time-Left-Ms}). Only
 * cluster members forward, so only a member's headers are read: a client's are ignored (a hop
 * count would skip the readiness check and the client metrics, or with a negative count the loop
 * limit). A member's count outside 0 to {@code dht.max-hops} is refused.
 */
@Component
class ForwardingHeaders {

    private final int maxHops;
    private final Duration requestTimeout;
    private final NodeScheduler scheduler;

    ForwardingHeaders(NodeProperties properties, NodeScheduler scheduler) {
        this.maxHops = properties.maxHops();
        this.requestTimeout = properties.requestTimeout();
        this.scheduler = scheduler;
    }

    /**
     * By when the request is to be answered: {@code dht.request-timeout} from now for a client's,
     * no later than the forwarding node says for a member's.
     */
    Instant deadline(HttpServletRequest request) {
        Instant now = scheduler.now();
        String header = request.getHeader(DhtHeaders.TIME_LEFT);
        if (header != null && ClusterSecurity.callerIsMember()) {
            try {
                long left = Long.parseLong(header.trim());
                if (left >= 0 && left < requestTimeout.toMillis()) {
                    return now.plusMillis(left);
                }
            } catch (NumberFormatException notANumber) {
                // a member's malformed budget shortens nothing
            }
        }
        return now.plus(requestTimeout);
    }

    int hops(HttpServletRequest request) {
        String header = request.getHeader(DhtHeaders.HOPS);
        if (header == null || !ClusterSecurity.callerIsMember()) {
            return 0;
        }
        try {
            int hops = Integer.parseInt(header.trim());
            if (hops >= 0 && hops <= maxHops) {
                return hops;
            }
        } catch (NumberFormatException notANumber) {
            // refused below
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                DhtHeaders.HOPS + " is a whole number from 0 to " + maxHops + ".");
        problem.setTitle("Invalid hop count");
        throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
    }
}
