package dht.core.wire;

import dht.core.NodeRef;
import dht.core.RingPosition;

/** A node as the registry lists it. */
public record Member(RingPosition id, String address, MemberState state) {

    public NodeRef ref() {
        return new NodeRef(id, address);
    }
}
