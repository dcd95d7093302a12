package dht.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Comparator;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The version of a stored value: a hybrid logical clock reading and the ID of the node that wrote
 * it, so that two writes are always ordered. Written as {@code <16 hex>-<16 hex>}, which is also
 * the value's ETag.
 */
public record Version(long timestamp, RingPosition writer) implements Comparable<Version> {

    private static final Comparator<Version> ORDER = Comparator
            .comparingLong(Version::timestamp)
            .thenComparing(Version::writer);

    public Version {
        Objects.requireNonNull(writer, "writer");
    }

    @JsonCreator
    public static Version parse(String text) {
        int dash = text == null ? -1 : text.indexOf('-');
        if (dash != 16 || text.length() != 33) {
            throw new IllegalArgumentException("a version is <16 hex digits>-<16 hex digits>");
        }
        return new Version(HexFormat.fromHexDigitsToLong(text.substring(0, 16)),
                RingPosition.parse(text.substring(17)));
    }

    public boolean isNewerThan(Version other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(Version other) {
        return ORDER.compare(this, other);
    }

    @JsonValue
    @Override
    public String toString() {
        return HexFormat.of().toHexDigits(timestamp) + "-" + writer;
    }
}
