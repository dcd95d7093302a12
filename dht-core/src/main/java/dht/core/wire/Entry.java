package dht.core.wire;

import dht.core.RingPosition;
import dht.core.Version;

import java.util.Objects;

/** A stored key with its value, as it moves between nodes. */
public record Entry(String key, byte[] value, String contentType, Version version) {

    public Entry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(version, "version");
    }

    public RingPosition position() {
        return RingPosition.ofKey(key);
    }

    public StoreCursor cursor() {
        return new StoreCursor(position(), key);
    }
}
