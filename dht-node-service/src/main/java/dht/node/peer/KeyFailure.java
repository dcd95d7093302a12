package dht.node.peer;

import dht.core.RingPosition;
import dht.core.Version;

import java.util.Optional;

/**
 * A client's key request the ring could not serve, for one of the protocol's {@link Kind}s, with
 * the owner that answered (if one did) and the forwards taken. The web edge gives each kind its
 * status; a node that forwarded the request relays the failure as it came.
 */
public final class KeyFailure extends RuntimeException {

    /** Why a key request failed. */
    public enum Kind {
        /** No value is stored under the key. */
        NOT_FOUND,
        /** The node the request entered through is not in the ring yet. */
        NOT_IN_RING,
        /** The key's range began or finished moving while a write was prepared, again and again. */
        RING_CHANGING,
        /** The request went round the ring more often than {@code dht.max-hops}. */
        LOOP,
        /** Fewer copies than the write quorum confirmed a write in time. */
        NO_WRITE_QUORUM,
        /** Fewer copies than the read quorum answered in time. */
        NO_READ_QUORUM,
        /** {@code If-Match} or {@code If-None-Match} did not hold. */
        PRECONDITION_FAILED
    }

    private final Kind kind;
    private final RingPosition owner;
    private final int hops;
    private final Version current;

    public KeyFailure(Kind kind, String detail, RingPosition owner, int hops, Version current) {
        super(detail);
        this.kind = kind;
        this.owner = owner;
        this.hops = hops;
        this.current = current;
    }

    public static KeyFailure notFound(RingPosition owner, int hops) {
        return new KeyFailure(Kind.NOT_FOUND, "No value is stored under this key.", owner, hops, null);
    }

    /** The node is in {@code state} (joining, say), not in the ring yet. */
    public static KeyFailure notInRing(String state, RingPosition self, int hops) {
        return new KeyFailure(Kind.NOT_IN_RING, "This node is " + state.toLowerCase()
                + " and does not serve keys yet; retry shortly or use another node.", self, hops, null);
    }

    public static KeyFailure ringChanging(RingPosition self, int hops) {
        return new KeyFailure(Kind.RING_CHANGING, "The key's range began or finished moving while the write was prepared, "
                + "again and again; retry shortly.", self, hops, null);
    }

    public static KeyFailure loop(int hops, int maxHops, RingPosition self) {
        return new KeyFailure(Kind.LOOP, "The request was forwarded " + hops + " times (the limit is " + maxHops
                + "); the ring is changing or inconsistent.", self, hops, null);
    }

    public static KeyFailure noWriteQuorum(int stored, int needed, RingPosition owner, int hops) {
        return new KeyFailure(Kind.NO_WRITE_QUORUM, "The write reached " + stored + " of the " + needed
                + " copies it needs (dht.write-quorum) in time; it may or may not persist. Retry it.", owner, hops, null);
    }

    public static KeyFailure noReadQuorum(int answered, int needed, RingPosition owner, int hops) {
        return new KeyFailure(Kind.NO_READ_QUORUM, answered + " of the " + needed
                + " copies this read needs (?r= or dht.read-quorum) answered in time. Retry it.", owner, hops, null);
    }

    public static KeyFailure preconditionFailed(Optional<Version> current, RingPosition owner, int hops) {
        return new KeyFailure(Kind.PRECONDITION_FAILED, current
                .map(version -> "The key's current version is " + version + "; the write or delete was not applied.")
                .orElse("The key has no value; the write or delete was not applied."), owner, hops, current.orElse(null));
    }

    public Kind kind() {
        return kind;
    }

    /** The owner that answered; null when the request failed before reaching one. */
    public RingPosition owner() {
        return owner;
    }

    public int hops() {
        return hops;
    }

    /** For a failed precondition, the key's current version, if it has a value. */
    public Optional<Version> current() {
        return Optional.ofNullable(current);
    }
}
