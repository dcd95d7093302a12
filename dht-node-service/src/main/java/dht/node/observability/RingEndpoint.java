package dht.node.observability;

import dht.core.wire.RingSnapshot;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.stereotype.Component;

/** {@code /actuator/ring}: this node's view of the ring and the transfers under way. */
@Component
@Endpoint(id = "ring")
class RingEndpoint {

    private final RingStatus status;

    RingEndpoint(RingStatus status) {
        this.status = status;
    }

    @ReadOperation
    RingSnapshot ring() {
        return status.snapshot();
    }
}
