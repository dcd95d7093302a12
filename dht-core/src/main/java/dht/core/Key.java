package dht.core;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A key as the contract allows it, any UTF-8 string of 1 to {@value #MAX_BYTES} bytes, with its
 * ring position: checked and hashed once where a request comes in, and carried from there on.
 */
public final class Key {

    /** The longest key, in bytes of UTF-8. */
    public static final int MAX_BYTES = 1024;

    private final String value;
    private final RingPosition position;

    private Key(String value, RingPosition position) {
        this.value = value;
        this.position = position;
    }

    /** @throws IllegalArgumentException for an empty key or one longer than {@value #MAX_BYTES} bytes of UTF-8 */
    public static Key of(String value) {
        Objects.requireNonNull(value, "value");
        if (value.isEmpty() || value.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IllegalArgumentException("A key is 1 to " + MAX_BYTES + " bytes of UTF-8.");
        }
        return new Key(value, RingPosition.ofKey(value));
    }

    public String value() {
        return value;
    }

    /** Where the key lies on the ring: the first 8 bytes of the SHA-256 of its UTF-8 bytes. */
    public RingPosition position() {
        return position;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Key key && value.equals(key.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
