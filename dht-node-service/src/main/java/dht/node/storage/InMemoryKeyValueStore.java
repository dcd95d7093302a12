package dht.node.storage;

import dht.core.KeyRange;
import dht.core.RingPosition;
import dht.core.wire.Entry;
import dht.core.wire.StoreCursor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/** Entries in a concurrent sorted map: fast, and gone with the process. */
public class InMemoryKeyValueStore implements KeyValueStore {

    private final ConcurrentSkipListMap<StoreCursor, Entry> entries = new ConcurrentSkipListMap<>(StoreCursor.STORE_ORDER);
    private final AtomicLong size = new AtomicLong();

    @Override
    public Optional<Entry> get(String key) {
        return Optional.ofNullable(entries.get(StoreCursor.of(key)));
    }

    @Override
    public Optional<Entry> put(Entry entry) {
        Entry previous = entries.put(entry.cursor(), entry);
        if (previous == null) {
            size.incrementAndGet();
        }
        return Optional.ofNullable(previous);
    }

    @Override
    public Optional<Entry> remove(String key) {
        Entry previous = entries.remove(StoreCursor.of(key));
        if (previous != null) {
            size.decrementAndGet();
        }
        return Optional.ofNullable(previous);
    }

    @Override
    public List<Entry> scan(KeyRange range, StoreCursor after, int limit) {
        List<Entry> page = new ArrayList<>(Math.min(limit, 1024));
        for (NavigableMap<StoreCursor, Entry> segment : segmentsAfter(range, after)) {
            for (Entry entry : segment.values()) {
                if (page.size() >= limit) {
                    return page;
                }
                page.add(entry);
            }
        }
        return page;
    }

    @Override
    public long removeThrough(KeyRange range, StoreCursor after, StoreCursor through) {
        Comparator<StoreCursor> order = StoreCursor.orderWithin(range);
        long removed = 0;
        for (NavigableMap<StoreCursor, Entry> segment : segmentsAfter(range, after)) {
            Iterator<StoreCursor> cursors = segment.keySet().iterator();
            while (cursors.hasNext()) {
                StoreCursor cursor = cursors.next();
                if (order.compare(cursor, through) > 0) {
                    return removed;
                }
                if (entries.remove(cursor) != null) {
                    size.decrementAndGet();
                    removed++;
                }
            }
        }
        return removed;
    }

    @Override
    public long countIn(KeyRange range) {
        if (range.isWholeRing()) {
            return size();
        }
        return segmentsAfter(range, null).stream().mapToLong(NavigableMap::size).sum();
    }

    @Override
    public long size() {
        return size.get();
    }

    /** The range's non-wrapping parts in clockwise order, each cut to what lies after {@code after}. */
    private List<NavigableMap<StoreCursor, Entry>> segmentsAfter(KeyRange range, StoreCursor after) {
        List<NavigableMap<StoreCursor, Entry>> views = new ArrayList<>(2);
        for (RangeScan scan : RangeScan.plan(range, after)) {
            NavigableMap<StoreCursor, Entry> view = segmentView(scan.first(), scan.last());
            views.add(scan.startAfter() == null ? view : view.tailMap(scan.startAfter(), false));
        }
        return views;
    }

    private NavigableMap<StoreCursor, Entry> segmentView(RingPosition first, RingPosition last) {
        StoreCursor from = new StoreCursor(first, "");
        if (last.equals(RingPosition.MAX)) {
            return entries.tailMap(from, true);
        }
        return entries.subMap(from, true, new StoreCursor(last.next(), ""), false);
    }
}
