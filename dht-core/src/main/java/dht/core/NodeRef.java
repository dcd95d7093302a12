package dht.core;

import java.util.Objects;

/**
 * A ring member: a position and the address of the node standing there ({@code host:port}). A
 * node's own reference carries its ID; with virtual nodes each of its further positions is a
 * member of its own toward its neighbors, with the same address.
 */
public record NodeRef(RingPosition id, String address) {

    public NodeRef {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
    }

    /** A node whose ID is the hash of its address, as the contract prescribes by default. */
    public static NodeRef at(String address) {
        return new NodeRef(RingPosition.ofAddress(address), address);
    }

    public static NodeRef of(RingPosition id, String address) {
        return new NodeRef(id, address);
    }

    /** This node's address at another of its positions. */
    public NodeRef atPosition(RingPosition position) {
        return new NodeRef(position, address);
    }

    /** Whether both stand for one node, at whatever positions. */
    public boolean sameNodeAs(NodeRef other) {
        return address.equals(other.address);
    }

    @Override
    public String toString() {
        return id + "@" + address;
    }
}
