package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.NodeRef;

/**
 * Sent by a joining node to its predecessor-to-be: "make me your successor". {@code successor}
 * is the successor the registry named, so that a predecessor whose ring has moved on refuses.
 * With virtual nodes, {@code joiner} is one position of the node, and {@code node} the node itself
 * at its ID; without, {@code node} is absent. {@code incarnation} tells one run of the joining
 * process from the next (when it started, in milliseconds since the epoch): a request repeated by
 * the same run builds on what was accepted before, while one from a restarted node starts over.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JoinRequest(NodeRef joiner, NodeRef successor, NodeRef node, Long incarnation) {

    public JoinRequest(NodeRef joiner, NodeRef successor) {
        this(joiner, successor, null, null);
    }

    /** The joining node itself, at its ID. */
    public NodeRef joiningNode() {
        return node != null ? node : joiner;
    }
}
