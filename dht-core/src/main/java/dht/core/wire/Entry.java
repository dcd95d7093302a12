package dht.core.wire;

import dht.core.HybridClock;
import dht.core.RingPosition;
import dht.core.Version;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A stored key with its value, as it moves between nodes. A deleted key stays as a tombstone with
 * the delete's version, so that an older copy arriving later cannot bring the value back. A value
 * written with a time to live carries the instant it expires ({@code expiresAtMillis}, epoch
 * milliseconds; {@link #NEVER} for a permanent one): its version and its expiry are one write,
 * copied together wherever the entry goes. From that instant on it reads as absent, and counts as
 * a tombstone of its version deleted then.
 */
public record Entry(String key, byte[] value, String contentType, Version version, boolean tombstone, long expiresAtMillis) {

    /** The {@code expiresAtMillis} of an entry that never expires. */
    public static final long NEVER = 0;

    private static final byte[] NO_VALUE = new byte[0];

    public Entry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(version, "version");
        if (expiresAtMillis < 0) {
            throw new IllegalArgumentException("an expiry is epoch milliseconds, or 0 for never: " + expiresAtMillis);
        }
    }

    /** A live value. */
    public Entry(String key, byte[] value, String contentType, Version version) {
        this(key, value, contentType, version, false, NEVER);
    }

    /** A value, or a tombstone, that never expires. */
    public Entry(String key, byte[] value, String contentType, Version version, boolean tombstone) {
        this(key, value, contentType, version, tombstone, NEVER);
    }

    /** A live value that expires at {@code expires}; permanent when that is empty. */
    public static Entry expiring(String key, byte[] value, String contentType, Version version, Optional<Instant> expires) {
        return new Entry(key, value, contentType, version, false, expires.map(Instant::toEpochMilli).orElse(NEVER));
    }

    public static Entry tombstone(String key, Version version) {
        return new Entry(key, NO_VALUE, "", version, true, NEVER);
    }

    /** When this entry expires; empty when it never does. */
    public Optional<Instant> expires() {
        return expiresAtMillis == NEVER ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expiresAtMillis));
    }

    /** Whether this entry's time to live has run out by {@code now}. */
    public boolean expiredAt(Instant now) {
        return expiresAtMillis != NEVER && now.toEpochMilli() >= expiresAtMillis;
    }

    /** Whether this entry holds a value at {@code now}: neither deleted nor expired. */
    public boolean liveAt(Instant now) {
        return !tombstone && !expiredAt(now);
    }

    /**
     * Since when this entry stands for no value at all: a tombstone since its delete, an expired
     * value (or the tombstone it became) since it expired; empty for a value still live or permanent.
     * A tombstone's grace period counts from here.
     */
    public Optional<Instant> goneSince(Instant now) {
        if (expiresAtMillis != NEVER) {
            return expiredAt(now) ? expires() : Optional.empty();
        }
        return tombstone ? Optional.of(Instant.ofEpochMilli(HybridClock.wallMillisOf(version.timestamp()))) : Optional.empty();
    }

    /**
     * The tombstone an expired value becomes, of its version and keeping its expiry, so that the
     * value's bytes go at once while the write itself is remembered for the grace period, as a delete is.
     */
    public Entry asTombstone() {
        return new Entry(key, NO_VALUE, "", version, true, expiresAtMillis);
    }

    /**
     * Whether this entry should replace {@code other}: the later version wins; of one version, the
     * tombstone an expired copy became wins over the copy itself, so that replicas agree.
     */
    public boolean supersedes(Entry other) {
        int order = version.compareTo(other.version);
        return order > 0 || (order == 0 && tombstone && !other.tombstone);
    }

    /** The newer of two copies of one key, either of which may be absent. */
    public static Optional<Entry> newer(Optional<Entry> one, Optional<Entry> other) {
        if (one.isEmpty()) {
            return other;
        }
        return other.isPresent() && other.get().supersedes(one.get()) ? other : one;
    }

    public RingPosition position() {
        return RingPosition.ofKey(key);
    }

    public StoreCursor cursor() {
        return new StoreCursor(position(), key);
    }
}
