package dht.core.wire;

import dht.core.RingPosition;
import dht.core.Version;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EntryCodecTest {

    /** The batch format the codec writes. */
    private static final int FORMAT = 2;
    /** The batch format once an entry of it expires. */
    private static final int FORMAT_WITH_EXPIRY = 3;


    private static final int LIMIT = 1024 * 1024;

    private static byte[] allByteValues() {
        byte[] bytes = new byte[256];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        return bytes;
    }

    private static byte[] randomBytes(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static final List<Entry> SAMPLE = List.of(
            new Entry("empty", new byte[0], "application/octet-stream",
                    new Version(1, RingPosition.parse("0000000000000001"))),
            new Entry("binary", allByteValues(), "application/octet-stream",
                    new Version(Long.MAX_VALUE, RingPosition.MAX)),
            new Entry("ключ-🔑-é", "значение ✓".getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8",
                    new Version(1_718_000_000_000L << 16, RingPosition.parse("8000000000000000"))),
            new Entry("a/b/c%2F/", randomBytes(70_000, 42L), "image/png",
                    new Version(0, RingPosition.MIN)));

    private static List<Entry> read(byte[] bytes, int limit) throws IOException {
        return EntryCodec.read(new ByteArrayInputStream(bytes), limit);
    }

    /** Entry is a record over a byte array, so its equals compares the array by identity. */
    private static void assertSameEntries(List<Entry> actual, List<Entry> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Entry a = actual.get(i);
            Entry e = expected.get(i);
            assertThat(a.key()).isEqualTo(e.key());
            assertThat(a.value()).isEqualTo(e.value());
            assertThat(a.contentType()).isEqualTo(e.contentType());
            assertThat(a.version()).isEqualTo(e.version());
            assertThat(a.tombstone()).isEqualTo(e.tombstone());
            assertThat(a.expiresAtMillis()).isEqualTo(e.expiresAtMillis());
        }
    }

    /** The header of a batch, then whatever the test writes. */
    private interface Body {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] handMade(Body body) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(buffer);
        body.write(out);
        out.flush();
        return buffer.toByteArray();
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    @Test
    void entriesRoundTripWithEveryField() throws IOException {
        assertSameEntries(read(EntryCodec.toBytes(SAMPLE), LIMIT), SAMPLE);
    }

    @Test
    void emptyValueRoundTrips() throws IOException {
        List<Entry> entries = List.of(SAMPLE.get(0));

        assertThat(read(EntryCodec.toBytes(entries), LIMIT).getFirst().value()).isEmpty();
    }

    @Test
    void everyByteValueRoundTrips() throws IOException {
        List<Entry> entries = List.of(SAMPLE.get(1));

        assertThat(read(EntryCodec.toBytes(entries), LIMIT).getFirst().value()).isEqualTo(allByteValues());
    }

    @Test
    void unicodeKeyRoundTrips() throws IOException {
        List<Entry> entries = List.of(SAMPLE.get(2));

        assertThat(read(EntryCodec.toBytes(entries), LIMIT).getFirst().key()).isEqualTo("ключ-🔑-é");
    }

    @Test
    void keyWithSlashesRoundTrips() throws IOException {
        List<Entry> entries = List.of(SAMPLE.get(3));

        assertThat(read(EntryCodec.toBytes(entries), LIMIT).getFirst().key()).isEqualTo("a/b/c%2F/");
    }

    @Test
    void emptyBatchRoundTrips() throws IOException {
        assertThat(read(EntryCodec.toBytes(List.of()), LIMIT)).isEmpty();
    }

    @Test
    void writingToAStreamGivesTheSameBytesAsToBytes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        EntryCodec.write(SAMPLE, out);

        assertThat(out.toByteArray()).isEqualTo(EntryCodec.toBytes(SAMPLE));
    }

    @Test
    void batchStartsWithTheFormatAndTheEntryCount() {
        byte[] bytes = EntryCodec.toBytes(SAMPLE);

        assertThat(Arrays.copyOf(bytes, 5)).containsExactly(FORMAT, 0, 0, 0, 4);
    }

    @Test
    void valueExactlyAtTheLimitIsAccepted() throws IOException {
        List<Entry> entries = List.of(new Entry("k", new byte[10], "application/octet-stream",
                new Version(1, RingPosition.MIN)));

        assertThat(read(EntryCodec.toBytes(entries), 10)).hasSize(1);
    }

    @Test
    void valueLargerThanTheLimitIsRefused() {
        List<Entry> entries = List.of(new Entry("k", new byte[11], "application/octet-stream",
                new Version(1, RingPosition.MIN)));
        byte[] bytes = EntryCodec.toBytes(entries);

        assertThatThrownBy(() -> read(bytes, 10))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("11");
    }

    @Test
    void oversizedValueIsRefusedBeforeItIsRead() throws IOException {
        // declares 2 GiB - 1 but carries nothing: must fail on the declared length, not run out of memory or input
        byte[] bytes = handMade(out -> {
            out.writeByte(FORMAT);
            out.writeInt(1);
            writeText(out, "k");
            writeText(out, "application/octet-stream");
            out.writeLong(1);
            out.writeLong(0);
            out.writeBoolean(false);
            out.writeInt(Integer.MAX_VALUE);
        });

        assertThatThrownBy(() -> read(bytes, LIMIT))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(EOFException.class);
    }

    @Test
    void emptyInputIsRefused() {
        assertThatThrownBy(() -> read(new byte[0], LIMIT)).isInstanceOf(IOException.class);
    }

    @Test
    void everyTruncationOfABatchIsRefused() {
        byte[] bytes = EntryCodec.toBytes(List.of(SAMPLE.get(0), SAMPLE.get(1), SAMPLE.get(2)));

        for (int length = 0; length < bytes.length; length++) {
            byte[] truncated = Arrays.copyOf(bytes, length);
            assertThatThrownBy(() -> read(truncated, LIMIT))
                    .as("batch cut to %d of %d bytes", length, bytes.length)
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void batchDeclaringMoreEntriesThanItCarriesIsRefused() throws IOException {
        byte[] bytes = handMade(out -> {
            out.writeByte(FORMAT);
            out.writeInt(Integer.MAX_VALUE);
        });

        assertThatThrownBy(() -> read(bytes, LIMIT)).isInstanceOf(EOFException.class);
    }

    @Test
    void aTombstoneRoundTripsAsATombstone() throws IOException {
        Entry tombstone = Entry.tombstone("gone", new Version(5, RingPosition.MAX));

        Entry read = read(EntryCodec.toBytes(List.of(tombstone)), LIMIT).getFirst();

        assertThat(read.tombstone()).isTrue();
        assertThat(read.key()).isEqualTo("gone");
        assertThat(read.version()).isEqualTo(tombstone.version());
        assertThat(read.value()).isEmpty();
    }

    @Test
    void unknownFormatIsRefused() {
        byte[] bytes = EntryCodec.toBytes(SAMPLE);
        bytes[0] = FORMAT_WITH_EXPIRY + 1;

        assertThatThrownBy(() -> read(bytes, LIMIT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format " + (FORMAT_WITH_EXPIRY + 1));
    }

    @Test
    void anExpiringEntryRoundTripsWithItsExpiryInABatchOfTheNewerFormat() throws IOException {
        Entry expiring = Entry.expiring("session:1", "v".getBytes(StandardCharsets.UTF_8), "text/plain",
                new Version(7, RingPosition.MAX), Optional.of(Instant.parse("2026-12-05T04:00:00.123Z")));
        List<Entry> batch = List.of(SAMPLE.get(0), expiring, SAMPLE.get(2));

        byte[] bytes = EntryCodec.toBytes(batch);

        assertThat(bytes[0]).isEqualTo((byte) FORMAT_WITH_EXPIRY);
        assertSameEntries(read(bytes, LIMIT), batch);
        assertThat(EntryCodec.entryFromBytes(EntryCodec.entryToBytes(expiring)).expires())
                .contains(Instant.parse("2026-12-05T04:00:00.123Z"));
    }

    @Test
    void theTombstoneAnExpiredEntryBecameKeepsItsExpiry() throws IOException {
        Entry tombstone = Entry.expiring("k", new byte[]{1}, "text/plain", new Version(7, RingPosition.MIN),
                Optional.of(Instant.ofEpochMilli(1_000))).asTombstone();

        Entry read = EntryCodec.entryFromBytes(EntryCodec.entryToBytes(tombstone));

        assertThat(read.tombstone()).isTrue();
        assertThat(read.expiresAtMillis()).isEqualTo(1_000);
        assertThat(read.version()).isEqualTo(tombstone.version());
    }

    @Test
    void anEntryWithoutExpiryIsWrittenByteForByteAsBeforeValuesCouldExpire() throws IOException {
        Entry value = SAMPLE.get(2);

        assertThat(EntryCodec.entryToBytes(value)).isEqualTo(storedBeforeExpiry(value, false));
        assertThat(EntryCodec.toBytes(List.of(value))[0]).isEqualTo((byte) FORMAT);
    }

    @Test
    void storedEntriesWrittenBeforeValuesCouldExpireStillRead() throws IOException {
        Entry value = SAMPLE.get(2);
        Entry tombstone = Entry.tombstone("gone", new Version(5, RingPosition.MAX));

        Entry readValue = EntryCodec.entryFromBytes(storedBeforeExpiry(value, false));
        Entry readTombstone = EntryCodec.entryFromBytes(storedBeforeExpiry(tombstone, true));

        assertSameEntries(List.of(readValue, readTombstone), List.of(value, tombstone));
        assertThat(readValue.expires()).isEmpty();
        assertThat(readTombstone.tombstone()).isTrue();
    }

    @Test
    void aBatchOfTheFormatBeforeExpiryStillReads() throws IOException {
        byte[] bytes = handMade(out -> {
            out.writeByte(2);
            out.writeInt(1);
            out.write(storedBeforeExpiry(SAMPLE.get(0), false));
        });

        assertSameEntries(read(bytes, LIMIT), List.of(SAMPLE.get(0)));
    }

    @Test
    void unknownEntryFlagsAreRefused() {
        byte[] bytes = EntryCodec.entryToBytes(SAMPLE.get(0));
        int flags = 4 + "empty".length() + 4 + "application/octet-stream".length() + 16;
        bytes[flags] = 4;

        assertThatThrownBy(() -> EntryCodec.entryFromBytes(bytes))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("flags");
    }

    /** An entry as a store kept it, and a batch carried it, before values could expire: the tombstone flag a boolean. */
    private static byte[] storedBeforeExpiry(Entry entry, boolean tombstone) throws IOException {
        return handMade(out -> {
            writeText(out, entry.key());
            writeText(out, entry.contentType());
            out.writeLong(entry.version().timestamp());
            out.writeLong(entry.version().writer().value());
            out.writeBoolean(tombstone);
            out.writeInt(entry.value().length);
            out.write(entry.value());
        });
    }

    @Test
    void formatZeroAndHighFormatsAreRefused() {
        for (int format : new int[]{0, 0x7f, 0x80, 0xff}) {
            byte[] bytes = EntryCodec.toBytes(List.of());
            bytes[0] = (byte) format;

            assertThatThrownBy(() -> read(bytes, LIMIT)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void negativeEntryCountIsRefused() throws IOException {
        byte[] bytes = handMade(out -> {
            out.writeByte(FORMAT);
            out.writeInt(-1);
        });

        assertThatThrownBy(() -> read(bytes, LIMIT)).isInstanceOf(IOException.class);
    }

    @Test
    void negativeValueLengthIsRefused() throws IOException {
        byte[] bytes = handMade(out -> {
            out.writeByte(FORMAT);
            out.writeInt(1);
            writeText(out, "k");
            writeText(out, "text/plain");
            out.writeLong(1);
            out.writeLong(0);
            out.writeBoolean(false);
            out.writeInt(-1);
        });

        assertThatThrownBy(() -> read(bytes, LIMIT)).isInstanceOf(IOException.class);
    }

    @Test
    void negativeTextLengthIsRefused() throws IOException {
        byte[] bytes = handMade(out -> {
            out.writeByte(FORMAT);
            out.writeInt(1);
            out.writeInt(-5);
        });

        assertThatThrownBy(() -> read(bytes, LIMIT)).isInstanceOf(IOException.class);
    }

    @Test
    void textFieldAbove64KiBIsRefused() throws IOException {
        byte[] bytes = handMade(out -> {
            out.writeByte(FORMAT);
            out.writeInt(1);
            out.writeInt(64 * 1024 + 1);
            out.write(new byte[64 * 1024 + 1]);
        });

        assertThatThrownBy(() -> read(bytes, LIMIT))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(EOFException.class);
    }

    @Test
    void readStopsAtTheEndOfItsBatch() throws IOException {
        byte[] first = EntryCodec.toBytes(List.of(SAMPLE.get(0)));
        byte[] second = EntryCodec.toBytes(List.of(SAMPLE.get(2), SAMPLE.get(3)));
        SequenceInputStream in = new SequenceInputStream(new ByteArrayInputStream(first), new ByteArrayInputStream(second));

        assertSameEntries(EntryCodec.read(in, LIMIT), List.of(SAMPLE.get(0)));
        assertSameEntries(EntryCodec.read(in, LIMIT), List.of(SAMPLE.get(2), SAMPLE.get(3)));
    }

    @Test
    void entryKnowsItsPositionAndCursor() {
        Entry entry = SAMPLE.get(2);

        assertThat(entry.position()).isEqualTo(RingPosition.ofKey("ключ-🔑-é"));
        assertThat(entry.cursor()).isEqualTo(StoreCursor.of("ключ-🔑-é"));
    }

    @Test
    void entryRefusesMissingParts() {
        Version version = new Version(1, RingPosition.MIN);

        assertThatThrownBy(() -> new Entry(null, new byte[0], "t", version)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Entry("k", null, "t", version)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Entry("k", new byte[0], null, version)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Entry("k", new byte[0], "t", null)).isInstanceOf(NullPointerException.class);
    }
}
