package dht.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a value is written beyond its bytes: the copies that must confirm it ({@code ?w=}) and how
 * long it lives ({@code ?ttl=}, in whole seconds). Once its time to live has run out the key reads
 * as absent on every node; a write without one makes the key permanent again.
 *
 * @param quorum the copies that must confirm the write
 * @param ttl    how long the value lives, in whole seconds of at least one; null for a permanent value
 */
public record WriteOptions(Quorum quorum, Duration ttl) {

    private static final WriteOptions DEFAULTS = new WriteOptions(Quorum.clusterDefault(), null);

    /** @throws IllegalArgumentException when {@code ttl} is under a second or not a whole number of seconds */
    public WriteOptions {
        Objects.requireNonNull(quorum, "quorum");
        if (ttl != null && (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.getNano() != 0)) {
            throw new IllegalArgumentException("a time to live is a whole number of seconds, at least one; got " + ttl);
        }
    }

    /** The cluster's write quorum, a permanent value. */
    public static WriteOptions defaults() {
        return DEFAULTS;
    }

    public WriteOptions withQuorum(Quorum quorum) {
        return new WriteOptions(quorum, ttl);
    }

    /** These options for a value that lives {@code ttl} (null: a permanent one). */
    public WriteOptions withTtl(Duration ttl) {
        return new WriteOptions(quorum, ttl);
    }
}
