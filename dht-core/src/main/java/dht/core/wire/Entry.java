package dht.core.wire;

import dht.core.RingPosition;
import dht.core.Version;

import java.util.Objects;
import java.util.Optional;

/**
 * A stored key with its value, as it moves between nodes. A deleted key stays as a tombstone with
 * the delete's version, so that an older copy arriving later cannot bring the value back.
 */
public record Entry(String key, byte[] value, String contentType, Version version, boolean tombstone) {

    private static final byte[] NO_VALUE = new byte[0];

    public Entry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(version, "version");
    }

    /** A live value. */
    public Entry(String key, byte[] value, String contentType, Version version) {
        this(key, value, contentType, version, false);
    }

    public static Entry tombstone(String key, Version version) {
        return new Entry(key, NO_VALUE, "", version, true);
    }

    /** Whether this entry should replace {@code other}: the later version wins. */
    public boolean supersedes(Entry other) {
        return version.isNewerThan(other.version);
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
