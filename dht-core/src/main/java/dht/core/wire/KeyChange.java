package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dht.core.Version;

import java.util.Objects;

/**
 * A write a node applied to one of its keys, as a watch streams it: {@code {"key", "version", "type"}}.
 *
 * @param version the version the write gave the key; a delete's is its tombstone's
 */
public record KeyChange(String key, Version version, Type type) {

    public KeyChange {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(type, "type");
    }

    public static KeyChange of(Entry entry) {
        return new KeyChange(entry.key(), entry.version(), entry.tombstone() ? Type.DELETE : Type.PUT);
    }

    /** What the write did: stored a value, or deleted the key. */
    public enum Type {
        PUT, DELETE;

        @JsonValue
        public String wireName() {
            return name().toLowerCase();
        }

        @JsonCreator
        public static Type ofWireName(String name) {
            return valueOf(name.toUpperCase());
        }
    }
}
