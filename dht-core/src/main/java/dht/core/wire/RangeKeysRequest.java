package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.KeyRange;

import java.util.Objects;

/**
 * Asks a replica for the keys it holds of {@code range} after {@code after} (from the range's start
 * when absent) that begin with {@code prefix}: up to {@code limit} of them, tombstones included.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RangeKeysRequest(KeyRange range, StoreCursor after, String prefix, int limit) {

    public RangeKeysRequest {
        Objects.requireNonNull(range, "range");
        prefix = prefix == null ? "" : prefix;
        if (after != null && !range.contains(after.position())) {
            throw new IllegalArgumentException("the cursor " + after.position() + " lies outside " + range);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("a limit is at least 1, not " + limit);
        }
    }
}
