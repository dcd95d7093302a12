package dht.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A key's value as stored: its bytes, the {@code Content-Type} it was written with and its version.
 *
 * @param bytes       the stored bytes, as written
 * @param contentType the type it was stored with ({@code application/octet-stream} when none was given)
 * @param version     its version (the {@code ETag}), for {@link DhtClient#replace}
 * @param servedBy    who answered
 */
public record Value(byte[] bytes, String contentType, String version, ServedBy servedBy) {

    public Value {
        Objects.requireNonNull(bytes, "bytes");
        bytes = bytes.clone();
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
                && Objects.equals(version, value.version) && Objects.equals(servedBy, value.servedBy);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(bytes), contentType, version, servedBy);
    }

    @Override
    public String toString() {
        return "Value[" + bytes.length + " bytes, contentType=" + contentType + ", version=" + version + ", servedBy=" + servedBy + "]";
    }
}
