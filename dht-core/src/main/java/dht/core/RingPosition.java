package dht.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A point on the 64-bit ring: an unsigned value, compared unsigned, written as 16 lowercase hex
 * digits because a JSON number cannot hold it exactly.
 */
public record RingPosition(long value) implements Comparable<RingPosition> {

    public static final RingPosition MIN = new RingPosition(0L);
    public static final RingPosition MAX = new RingPosition(-1L);

    private static final HexFormat HEX = HexFormat.of();

    /** Cloned for each hash: every key request hashes, and a clone skips the provider lookup of getInstance. */
    private static final MessageDigest SHA_256 = newSha256();

    /** The first 8 bytes of SHA-256 of {@code bytes}, read big-endian. */
    public static RingPosition of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new RingPosition(ByteBuffer.wrap(sha256().digest(bytes)).getLong());
    }

    /** The position of a key: of its UTF-8 bytes. */
    public static RingPosition ofKey(String key) {
        return of(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The position of a node advertised at {@code host:port}. */
    public static RingPosition ofAddress(String address) {
        return of(address.getBytes(StandardCharsets.UTF_8));
    }

    /** Parses exactly 16 hex digits, as every position is written. */
    @JsonCreator
    public static RingPosition parse(String hex) {
        if (hex == null || hex.length() != 16) {
            throw new IllegalArgumentException("a ring position is 16 hex digits, got: " + abbreviate(hex));
        }
        try {
            return new RingPosition(HexFormat.fromHexDigitsToLong(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a ring position is 16 hex digits, got: " + abbreviate(hex));
        }
    }

    /** How far clockwise {@code other} lies from this position, modulo 2^64 (unsigned). */
    public long distanceTo(RingPosition other) {
        return other.value - value;
    }

    public RingPosition next() {
        return new RingPosition(value + 1);
    }

    public RingPosition previous() {
        return new RingPosition(value - 1);
    }

    /** 8 bytes, big-endian: byte-wise order is the ring's unsigned order. */
    public byte[] toBytes() {
        return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
    }

    @Override
    public int compareTo(RingPosition other) {
        return Long.compareUnsigned(value, other.value);
    }

    @JsonValue
    @Override
    public String toString() {
        return HEX.toHexDigits(value);
    }

    private static MessageDigest sha256() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the runtime's SHA-256 cannot be cloned", e);
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return "null";
        }
        return text.length() <= 40 ? '"' + text + '"' : '"' + text.substring(0, 40) + "...\"";
    }
}
