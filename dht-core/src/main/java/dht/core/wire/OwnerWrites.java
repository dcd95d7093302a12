package dht.core.wire;

import java.util.List;
import java.util.Objects;

/**
 * The owner's answer to a batch of writes its keys' replicas coordinated: the keys it refused because
 * it does not own them by its own neighbors (each goes to its owner the usual way); it kept the rest,
 * unless it held a newer version.
 */
public record OwnerWrites(List<String> notOwned) {

    public OwnerWrites {
        notOwned = List.copyOf(Objects.requireNonNull(notOwned, "notOwned"));
    }
}
