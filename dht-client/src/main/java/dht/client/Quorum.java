package dht.client;

import java.util.OptionalInt;

/**
 * How many copies of a key one call needs: for a read the copies consulted ({@code ?r=}), for a
 * write the copies that must confirm it ({@code ?w=}). The cluster's own setting
 * ({@code dht.read-quorum}, {@code dht.write-quorum}: a majority by default) unless a call names one.
 */
public final class Quorum {

    private static final Quorum CLUSTER_DEFAULT = new Quorum(0);

    /** 0 for the cluster's default. */
    private final int copies;

    private Quorum(int copies) {
        this.copies = copies;
    }

    /** The cluster's own quorum. */
    public static Quorum clusterDefault() {
        return CLUSTER_DEFAULT;
    }

    /**
     * Exactly {@code copies} copies, from 1 up to the cluster's replication factor (a node refuses
     * more with {@link InvalidRequestException}).
     */
    public static Quorum of(int copies) {
        if (copies < 1) {
            throw new IllegalArgumentException("a quorum is at least one copy, got " + copies);
        }
        return new Quorum(copies);
    }

    /** The copies asked for; empty for the cluster's default. */
    public OptionalInt copies() {
        return copies == 0 ? OptionalInt.empty() : OptionalInt.of(copies);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Quorum quorum && copies == quorum.copies;
    }

    @Override
    public int hashCode() {
        return copies;
    }

    @Override
    public String toString() {
        return copies == 0 ? "Quorum[cluster default]" : "Quorum[" + copies + "]";
    }
}
