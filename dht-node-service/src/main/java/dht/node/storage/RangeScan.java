package dht.node.storage;

import dht.core.KeyRange;
import dht.core.RingPosition;
import dht.core.wire.StoreCursor;

import java.util.ArrayList;
import java.util.List;

/**
 * How a store reads a range after a cursor: the range's non-wrapping segments in clockwise order,
 * the one holding the cursor cut to what lies after it, those before it left out.
 */
record RangeScan(RingPosition first, RingPosition last, StoreCursor startAfter) {

    static List<RangeScan> plan(KeyRange range, StoreCursor after) {
        List<RangeScan> scans = new ArrayList<>(2);
        boolean afterPassed = after == null;
        for (KeyRange.Segment segment : range.segments()) {
            if (afterPassed) {
                scans.add(new RangeScan(segment.first(), segment.last(), null));
            } else if (segment.first().compareTo(after.position()) <= 0 && after.position().compareTo(segment.last()) <= 0) {
                scans.add(new RangeScan(segment.first(), segment.last(), after));
                afterPassed = true;
            }
        }
        if (!afterPassed) {
            throw new IllegalArgumentException("cursor " + after.position() + " lies outside " + range);
        }
        return scans;
    }

    boolean covers(RingPosition position) {
        return first.compareTo(position) <= 0 && position.compareTo(last) <= 0;
    }
}
