package dht.core.wire;

import dht.core.KeyRange;
import dht.core.RingPosition;
import dht.core.Version;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
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
    void copiesThatDifferOnlyInTheirExpiryDifferInTheirArc() {
        List<Entry> entries = entriesIn(WRAPPING, 500);
        Entry changed = entries.get(45);
        KeyRange arcOfChanged = WRAPPING.split(64).get(WRAPPING.partOf(RingPosition.ofKey(changed.key()), 64));
        List<Entry> expiring = new ArrayList<>(entries);
        expiring.set(45, Entry.expiring(changed.key(), changed.value(), changed.contentType(), changed.version(),
                Optional.of(Instant.parse("2026-12-05T04:00:00Z"))));
        List<Entry> expiringLater = new ArrayList<>(entries);
        expiringLater.set(45, Entry.expiring(changed.key(), changed.value(), changed.contentType(), changed.version(),
                Optional.of(Instant.parse("2026-12-05T04:00:01Z"))));

        assertThat(digest(WRAPPING, entries).differingArcs(digest(WRAPPING, expiring))).containsExactly(arcOfChanged);
        assertThat(digest(WRAPPING, expiring).differingArcs(digest(WRAPPING, expiringLater))).containsExactly(arcOfChanged);
        assertThat(digest(WRAPPING, expiring).differingArcs(digest(WRAPPING, List.copyOf(expiring)))).isEmpty();
    }

    @Test
    void anEntryWithoutExpiryHashesAsBeforeValuesCouldExpire() throws Exception {
        Entry entry = new Entry("key-1", new byte[]{1}, "text/plain", new Version(1, WRITER));
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update("key-1".getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        sha256.update(entry.version().toString().getBytes(StandardCharsets.US_ASCII));
        sha256.update((byte) 0);
        String expected = HexFormat.of().toHexDigits(ByteBuffer.wrap(sha256.digest()).getLong());

        RangeDigest digest = new RangeDigest.Builder(KeyRange.wholeRing(RingPosition.MIN), 1).add(entry).build();

        assertThat(digest.parts()).containsExactly(expected);
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
