package dht.core.wire;

import dht.core.KeyRange;
import dht.core.RingPosition;
import dht.core.Version;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RangeDigestTest {

    private static final KeyRange WRAPPING = KeyRange.of(RingPosition.parse("f000000000000000"), RingPosition.parse("1000000000000000"));
    private static final RingPosition WRITER = RingPosition.parse("00000000000000aa");

    @Test
    void theSameEntriesInAnyOrderGiveTheSameDigest() {
        List<Entry> entries = entriesIn(WRAPPING, 500);
        List<Entry> shuffled = new ArrayList<>(entries);
        Collections.shuffle(shuffled, new Random(7));

        RangeDigest one = digest(WRAPPING, entries);
        RangeDigest other = digest(WRAPPING, shuffled);

        assertThat(one).isEqualTo(other);
        assertThat(one.differingArcs(other)).isEmpty();
    }

    @Test
    void aNewerVersionOrATombstoneOrAMissingEntryChangesOnlyItsArc() {
        List<Entry> entries = entriesIn(WRAPPING, 500);
        Entry changed = entries.get(123);
        RangeDigest base = digest(WRAPPING, entries);
        KeyRange arcOfChanged = WRAPPING.split(64).get(WRAPPING.partOf(RingPosition.ofKey(changed.key()), 64));

        List<Entry> newer = new ArrayList<>(entries);
        newer.set(123, new Entry(changed.key(), changed.value(), changed.contentType(), new Version(2, WRITER)));
        List<Entry> deleted = new ArrayList<>(entries);
        deleted.set(123, Entry.tombstone(changed.key(), changed.version()));
        List<Entry> missing = new ArrayList<>(entries);
        missing.remove(123);

        assertThat(base.differingArcs(digest(WRAPPING, newer))).containsExactly(arcOfChanged);
        assertThat(base.differingArcs(digest(WRAPPING, deleted))).containsExactly(arcOfChanged);
        assertThat(base.differingArcs(digest(WRAPPING, missing))).containsExactly(arcOfChanged);
    }

    @Test
    void digestsOfDifferentRangesDifferEverywhere() {
        RangeDigest one = new RangeDigest.Builder(WRAPPING, 4).build();
        RangeDigest other = new RangeDigest.Builder(KeyRange.wholeRing(RingPosition.MIN), 4).build();

        assertThat(one.differingArcs(other)).isEqualTo(WRAPPING.split(4));
    }

    private static RangeDigest digest(KeyRange range, List<Entry> entries) {
        RangeDigest.Builder builder = new RangeDigest.Builder(range, 64);
        entries.forEach(builder::add);
        return builder.build();
    }

    private static List<Entry> entriesIn(KeyRange range, int count) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; entries.size() < count; i++) {
            String key = "key-" + i;
            if (range.contains(RingPosition.ofKey(key))) {
                entries.add(new Entry(key, new byte[]{(byte) i}, "text/plain", new Version(1, WRITER)));
            }
        }
        return entries;
    }
}
