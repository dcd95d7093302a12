package dht.core.wire;

import dht.core.KeyRange;
import dht.core.RingPosition;

import java.util.Comparator;

/**
 * A place in a store's ring order: entries sort by key position, then by key in code point order
 * (the order of their UTF-8 bytes, as an on-disk store sorts them), so that a range can be read
 * page by page and resumed.
 */
public record StoreCursor(RingPosition position, String key) {

    /** Keys in code point order, which is the byte order of their UTF-8 encoding. */
    public static final Comparator<String> KEY_ORDER = StoreCursor::compareCodePoints;

    /** Positions in unsigned order, then keys in {@link #KEY_ORDER}: how every store sorts. */
    public static final Comparator<StoreCursor> STORE_ORDER = Comparator
            .comparing(StoreCursor::position)
            .thenComparing(StoreCursor::key, KEY_ORDER);

    public static StoreCursor of(String key) {
        return new StoreCursor(RingPosition.ofKey(key), key);
    }

    /** Order within {@code range}: clockwise from its start, then by key. */
    public static Comparator<StoreCursor> orderWithin(KeyRange range) {
        Comparator<StoreCursor> clockwise = (a, b) -> Long.compareUnsigned(
                range.start().distanceTo(a.position()), range.start().distanceTo(b.position()));
        return clockwise.thenComparing(StoreCursor::key, KEY_ORDER);
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
