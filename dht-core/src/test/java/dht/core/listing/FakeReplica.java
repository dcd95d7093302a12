package dht.core.listing;

import dht.core.KeyRange;
import dht.core.wire.ListedKey;
import dht.core.wire.RangeKeys;
import dht.core.wire.StoreCursor;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** A replica's store of keys for a listing, examining at most {@code examineBound} entries per request as a node does. */
final class FakeReplica {

    private final TreeMap<StoreCursor, ListedKey> held = new TreeMap<>(StoreCursor.STORE_ORDER);
    private final int examineBound;

    FakeReplica(int examineBound) {
        this.examineBound = examineBound;
    }

    FakeReplica hold(ListedKey key) {
        held.put(key.cursor(), key);
        return this;
    }

    /** The keys of {@code span} (which does not wrap) after {@code after} that start with {@code prefix}. */
    RangeKeys read(KeyRange span, StoreCursor after, String prefix, int limit) {
        List<ListedKey> keys = new ArrayList<>();
        StoreCursor through = after;
        int examined = 0;
        for (ListedKey key : (after == null ? held : held.tailMap(after, false)).values()) {
            if (!span.contains(key.cursor().position())) {
                continue;
            }
            if (examined == examineBound) {
                return new RangeKeys(keys, through, examined, false);
            }
            examined++;
            through = key.cursor();
            if (key.key().startsWith(prefix)) {
                keys.add(key);
                if (keys.size() == limit) {
                    return new RangeKeys(keys, through, examined, false);
                }
            }
        }
        return new RangeKeys(keys, through, examined, true);
    }
}
