package dht.core;

import java.util.Objects;

/** A node as the ring knows it: its position and where to reach it ({@code host:port}). */
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

    @Override
    public String toString() {
        return id + "@" + address;
    }
}
