package dht.core.wire;

import dht.core.NodeRef;
import dht.core.RingPosition;

/** Which node owns a key. */
public record OwnerAnswer(String key, RingPosition position, NodeRef owner) {
}
