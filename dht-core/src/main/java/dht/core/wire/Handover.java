package dht.core.wire;

import dht.core.KeyRange;
import dht.core.NodeRef;

/**
 * Sent by a leaving node to its predecessor: "take over {@code range} from me, your successor is
 * now {@code successor}". The predecessor then pulls the range from {@code from}.
 */
public record Handover(NodeRef from, NodeRef successor, KeyRange range) {
}
