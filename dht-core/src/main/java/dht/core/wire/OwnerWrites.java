package dht.core.wire;

import java.util.List;
import java.util.Objects;

/**
 * The owner's answer to a batch of writes its keys' replicas coordinated: the keys it refused because
 * it does not own them by its own neighbors (each goes to its owner the usual way); it kept the rest,
 * unless it held a newer version, and names those of them where the write replaced a value: the
 * owner is in every write's quorum, so it, not the coordinating replica (whose copy may trail), knows
 * whether a write created its key.
 */
public record OwnerWrites(List<String> notOwned, List<String> replaced) {

    public OwnerWrites {
        notOwned = List.copyOf(Objects.requireNonNull(notOwned, "notOwned"));
        replaced = replaced == null ? List.of() : List.copyOf(replaced);
    }
}
