package dht.core.wire;

import dht.core.NodeRef;

/**
 * Sent by a joining node to its predecessor-to-be: "make me your successor". {@code successor}
 * is the successor the registry named, so that a predecessor whose ring has moved on refuses.
 */
public record JoinRequest(NodeRef joiner, NodeRef successor) {
}
