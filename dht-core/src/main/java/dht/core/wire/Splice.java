package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.NodeRef;
import dht.core.RingPosition;

/**
 * Where one position of a joining node with virtual nodes goes: between {@code predecessor}, which
 * owns the position now and hands over the keys from it, and {@code successor}, both as members
 * (a position and an address). Both are absent for the first node of a ring.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Splice(RingPosition position, NodeRef predecessor, NodeRef successor) {
}
