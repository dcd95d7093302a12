package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.NodeRef;

/**
 * Sent by a joining node to its predecessor-to-be: "make me your successor". {@code successor}
 * is the successor the registry named, so that a predecessor whose ring has moved on refuses.
 * With virtual nodes, {@code joiner} is one position of the node, and {@code node} the node itself
 * at its ID; without, {@code node} is absent.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JoinRequest(NodeRef joiner, NodeRef successor, NodeRef node) {

    public JoinRequest(NodeRef joiner, NodeRef successor) {
        this(joiner, successor, null);
    }

    /** The joining node itself, at its ID. */
    public NodeRef joiningNode() {
        return node != null ? node : joiner;
    }
}
