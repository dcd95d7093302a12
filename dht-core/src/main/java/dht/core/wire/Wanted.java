package dht.core.wire;

import dht.core.Version;

import java.util.Objects;
import java.util.Optional;

/**
 * A key one node asks another for, with the version of the copy it holds itself ({@code null}: none),
 * so that a copy equal to it comes back as a confirmation alone, without its value.
 */
public record Wanted(String key, Version known) {

    public Wanted {
        Objects.requireNonNull(key, "key");
    }

    public static Wanted of(String key, Optional<Entry> held) {
        return new Wanted(key, held.map(Entry::version).orElse(null));
    }
}
