package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dht.core.Version;

import java.time.Instant;
import java.util.Objects;

/** A key a replica holds, without its value: what a listing merges across replicas. */
public record ListedKey(String key, Version version, boolean tombstone) {

    public ListedKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(version, "version");
    }

    /**
     * The key as a replica lists it at {@code now}: a value that expired counts as the delete it is,
     * a tombstone of its version, so that it also hides another replica's older copy.
     */
    public static ListedKey of(Entry entry, Instant now) {
        return new ListedKey(entry.key(), entry.version(), !entry.liveAt(now));
    }

    /**
     * Whether the key has a value to list. Decided only once the replicas' copies are merged: a
     * copy left out on one replica would let another replica's older copy through.
     */
    @JsonIgnore
    public boolean live() {
        return !tombstone;
    }

    @JsonIgnore
    public StoreCursor cursor() {
        return StoreCursor.of(key);
    }
}
