package dht.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How one write is stored: the copies that must confirm it, and how long the value lives.
 *
 * @param quorum the copies that must confirm the write ({@code ?w=})
 * @param ttl    how long the value lives ({@code ?ttl=}, in whole seconds); null for a value that never expires
 */
public record WriteOptions(Quorum quorum, Duration ttl) {

    private static final WriteOptions DEFAULTS = new WriteOptions(Quorum.clusterDefault(), null);

    public WriteOptions {
        Objects.requireNonNull(quorum, "quorum");
        if (ttl != null && ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("a ttl is at least one second, got " + ttl);
        }
    }

    /** The cluster's write quorum, and no expiry. */
    public static WriteOptions defaults() {
        return DEFAULTS;
    }

    public WriteOptions withQuorum(Quorum quorum) {
        return new WriteOptions(quorum, ttl);
    }

    public WriteOptions withTtl(Duration ttl) {
        return new WriteOptions(quorum, ttl);
    }
}
