package dht.node.storage;

import dht.core.KeyRange;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.Entry;
import dht.core.wire.StoreCursor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Range reads page by page and deletes up to a cursor, wrap-around and whole ring included. */
class InMemoryKeyValueStoreProperties {

    @Property
    void pagesOfARangeAreExactlyItsKeysInClockwiseOrder(@ForAll @Size(max = 60) Set<String> keys,
                                                        @ForAll("positions") long start, @ForAll("positions") long end,
                                                        @ForAll @IntRange(min = 1, max = 7) int pageSize) {
        InMemoryKeyValueStore store = storeWith(keys);
        KeyRange range = KeyRange.of(new RingPosition(start), new RingPosition(end));

        List<StoreCursor> paged = new ArrayList<>();
        StoreCursor after = null;
        while (true) {
            List<Entry> page = store.scan(range, after, pageSize);
            page.forEach(entry -> paged.add(entry.cursor()));
            if (page.size() < pageSize) {
                break;
            }
            after = page.getLast().cursor();
        }

        List<StoreCursor> expected = keys.stream().map(StoreCursor::of)
                .filter(cursor -> range.contains(cursor.position()))
                .sorted(StoreCursor.orderWithin(range))
                .toList();
        assertThat(paged).containsExactlyElementsOf(expected);
        assertThat(store.countIn(range)).isEqualTo(expected.size());
    }

    @Property
    void removeThroughDeletesOnlyUpToTheConfirmedCursor(@ForAll @Size(min = 1, max = 60) Set<String> keys,
                                                        @ForAll("positions") long start, @ForAll("positions") long end,
                                                        @ForAll @IntRange(min = 1, max = 10) int confirmed) {
        InMemoryKeyValueStore store = storeWith(keys);
        KeyRange range = KeyRange.of(new RingPosition(start), new RingPosition(end));
        List<Entry> inRange = store.scan(range, null, Integer.MAX_VALUE);
        if (inRange.isEmpty()) {
            return;
        }
        int through = Math.min(confirmed, inRange.size()) - 1;

        long removed = store.removeThrough(range, null, inRange.get(through).cursor());

        assertThat(removed).isEqualTo(through + 1);
        assertThat(store.size()).isEqualTo(keys.size() - removed);
        assertThat(store.scan(range, null, Integer.MAX_VALUE)).containsExactlyElementsOf(inRange.subList(through + 1, inRange.size()));
    }

    @Property
    void removeThroughAfterACursorLeavesWhatComesBefore(@ForAll @Size(min = 2, max = 60) Set<String> keys,
                                                       @ForAll("positions") long start, @ForAll("positions") long end,
                                                       @ForAll @IntRange(min = 0, max = 30) int first, @ForAll @IntRange(min = 0, max = 30) int count) {
        InMemoryKeyValueStore store = storeWith(keys);
        KeyRange range = KeyRange.of(new RingPosition(start), new RingPosition(end));
        List<Entry> inRange = store.scan(range, null, Integer.MAX_VALUE);
        if (inRange.size() < 2) {
            return;
        }
        int after = Math.min(first, inRange.size() - 2);
        int through = Math.min(after + 1 + count, inRange.size() - 1);

        long removed = store.removeThrough(range, inRange.get(after).cursor(), inRange.get(through).cursor());

        assertThat(removed).isEqualTo(through - after);
        List<Entry> left = new ArrayList<>(inRange.subList(0, after + 1));
        left.addAll(inRange.subList(through + 1, inRange.size()));
        assertThat(store.scan(range, null, Integer.MAX_VALUE)).containsExactlyElementsOf(left);
    }

    @Property
    void aBatchKeepsTheNewerVersionOfEachKey(@ForAll @Size(min = 1, max = 40) Set<String> keys,
                                             @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 2) Integer> versions) {
        InMemoryKeyValueStore store = storeWith(keys);
        List<String> ordered = List.copyOf(keys);
        List<Entry> batch = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i++) {
            long timestamp = versions.get(i % versions.size());
            batch.add(new Entry(ordered.get(i), "batch".getBytes(), "text/plain", new Version(timestamp, RingPosition.MIN)));
        }

        int stored = store.storeNewer(batch).size();

        assertThat(stored).isEqualTo((int) batch.stream().filter(entry -> entry.version().timestamp() > 1).count());
        batch.forEach(entry -> assertThat(new String(store.get(entry.key()).orElseThrow().value()))
                .isEqualTo(entry.version().timestamp() > 1 ? "batch" : entry.key()));
        assertThat(store.size()).isEqualTo(keys.size());
    }

    @Provide
    Arbitrary<Long> positions() {
        return Arbitraries.oneOf(Arbitraries.longs(), Arbitraries.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE));
    }

    private static InMemoryKeyValueStore storeWith(Set<String> keys) {
        InMemoryKeyValueStore store = new InMemoryKeyValueStore();
        Version version = new Version(1, RingPosition.MIN);
        keys.forEach(key -> store.put(new Entry(key, key.getBytes(), "text/plain", version)));
        return store;
    }
}
