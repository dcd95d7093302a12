package dht.node.keys;

import dht.core.wire.DhtHeaders;
import dht.node.config.NodeProperties;
import dht.web.ClusterSecurity;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;

/**
 * How often a key request was forwarded before it reached this node ({@code X-DHT-Hops}). Only
 * cluster members forward, so only a member's count is read: a client's is ignored (it would skip
 * the readiness check and the client metrics, or with a negative count the loop limit). A member's
 * count outside 0 to {@code dht.max-hops} is refused.
 */
@Component
class PeerHops {

    private final int maxHops;

    PeerHops(NodeProperties properties) {
        this.maxHops = properties.maxHops();
    }

    int of(HttpServletRequest request) {
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
