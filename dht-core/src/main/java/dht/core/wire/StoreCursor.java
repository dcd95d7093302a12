package dht.core.wire;

import dht.core.KeyRange;
import dht.core.RingPosition;

import java.util.Comparator;

/**
 * A place in a store's ring order: entries sort by key position, then by key, so that a range
 * can be read page by page and resumed.
 */
public record StoreCursor(RingPosition position, String key) {

    public static StoreCursor of(String key) {
        return new StoreCursor(RingPosition.ofKey(key), key);
    }

    /** Order within {@code range}: clockwise from its start, then by key. */
    public static Comparator<StoreCursor> orderWithin(KeyRange range) {
        Comparator<StoreCursor> clockwise = (a, b) -> Long.compareUnsigned(
                range.start().distanceTo(a.position()), range.start().distanceTo(b.position()));
        return clockwise.thenComparing(StoreCursor::key);
    }
}
