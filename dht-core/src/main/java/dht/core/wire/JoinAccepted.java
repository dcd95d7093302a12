package dht.core.wire;

import dht.core.KeyRange;
import dht.core.NodeRef;

/**
 * The predecessor's answer to a join: the joiner now owns {@code range}, which it pulls from the
 * predecessor, and sits between {@code predecessor} and {@code successor}.
 */
public record JoinAccepted(NodeRef predecessor, NodeRef successor, KeyRange range) {
}
