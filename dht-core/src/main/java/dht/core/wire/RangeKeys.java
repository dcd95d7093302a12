package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Objects;

/**
 * A replica's answer to a {@link RangeKeysRequest}: the matching keys in ring order, and how far it
 * looked. A replica examines a bounded number of entries per request (a prefix filter over keys
 * in hash order is a scan), so it may stop before the range's end with fewer keys than asked.
 *
 * @param keys      the matching keys it holds, tombstones included, in ring order
 * @param through   the last entry it examined, matching or not; absent when it examined none
 * @param examined  how many entries it examined
 * @param exhausted whether it holds nothing of the range after {@code through}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RangeKeys(List<ListedKey> keys, StoreCursor through, int examined, boolean exhausted) {

    public RangeKeys {
        keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
        if (through == null && !exhausted) {
            throw new IllegalArgumentException("an answer that stopped before the range's end says where");
        }
    }
}
