package dht.client;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A key's value as stored: its bytes, the {@code Content-Type} it was written with, its version and,
 * for a value written with a time to live, when it expires.
 *
 * @param bytes       the stored bytes, as written
 * @param contentType the type it was stored with ({@code application/octet-stream} when none was given)
 * @param version     its version (the {@code ETag}), for {@link DhtClient#replace}
 * @param servedBy    who answered
 * @param expires     when it expires ({@code X-DHT-Expires}); empty for a permanent value
 */
public record Value(byte[] bytes, String contentType, String version, ServedBy servedBy, Optional<Instant> expires) {

    public Value {
        Objects.requireNonNull(bytes, "bytes");
        bytes = bytes.clone();
        expires = Objects.requireNonNullElse(expires, Optional.empty());
    }

    /** A permanent value. */
    public Value(byte[] bytes, String contentType, String version, ServedBy servedBy) {
        this(bytes, contentType, version, servedBy, Optional.empty());
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The bytes read as UTF-8, for values stored as text. */
    public String asString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Value value && Arrays.equals(bytes, value.bytes) && Objects.equals(contentType, value.contentType)
                && Objects.equals(version, value.version) && Objects.equals(servedBy, value.servedBy) && expires.equals(value.expires);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(bytes), contentType, version, servedBy, expires);
    }

    @Override
    public String toString() {
        return "Value[" + bytes.length + " bytes, contentType=" + contentType + ", version=" + version + ", servedBy=" + servedBy
                + expires.map(at -> ", expires=" + at).orElse("") + "]";
    }
}
