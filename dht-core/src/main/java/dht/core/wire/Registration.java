package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.NodeRef;
import dht.core.RingPosition;

/**
 * The registry's answer to a joining node: its ID and the neighbors it must splice in between
 * (both absent for the first node of a ring).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Registration(RingPosition id, String address, NodeRef predecessor, NodeRef successor) {

    public NodeRef node() {
        return new NodeRef(id, address);
    }

    public boolean isFirst() {
        return predecessor == null;
    }
}
