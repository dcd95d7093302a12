package dht.core.wire;

import dht.core.RingPosition;
import dht.core.Version;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of entries between nodes (media type {@value #MEDIA_TYPE}), and as a node's store
 * keeps them: values travel as raw bytes, never base64 inside JSON. A batch is a format byte and a
 * count followed by that many entries, each its key, content type, version, a flags byte, its
 * expiry if the flags say it has one, and its value, every variable part length-prefixed.
 * <p>
 * The flags byte was a tombstone boolean before values could expire, so an entry without an expiry
 * is written exactly as then, and stores written then read as they are. A batch holding an expiring
 * entry says format {@value #FORMAT_WITH_EXPIRY}: a node that does not know expiry refuses it
 * outright instead of misreading it, and takes every other batch as before.
 */
public final class EntryCodec {

    public static final String MEDIA_TYPE = "application/vnd.dht.entries";

    /** The most entries one batch (a transfer page, a replica batch) may hold: each is read whole into memory. */
    public static final int MAX_BATCH_ENTRIES = 100_000;

    /** The format of a batch of entries none of which expires, the only one before values could expire. */
    private static final int FORMAT = 2;
    private static final int FORMAT_WITH_EXPIRY = 3;
    private static final int TOMBSTONE = 1;
    private static final int EXPIRES = 2;
    private static final int MAX_TEXT_BYTES = 64 * 1024;

    private EntryCodec() {
    }

    public static void write(List<Entry> entries, OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeByte(entries.stream().anyMatch(entry -> entry.expiresAtMillis() != Entry.NEVER) ? FORMAT_WITH_EXPIRY : FORMAT);
        data.writeInt(entries.size());
        for (Entry entry : entries) {
            writeEntry(data, entry);
        }
        data.flush();
    }

    /** One entry on its own, as a store keeps it. */
    public static byte[] entryToBytes(Entry entry) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(entry.value().length + entry.key().length() + 64);
        try {
            writeEntry(new DataOutputStream(buffer), entry);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return buffer.toByteArray();
    }

    public static Entry entryFromBytes(byte[] bytes) throws IOException {
        return readEntry(new DataInputStream(new ByteArrayInputStream(bytes)), Integer.MAX_VALUE);
    }

    public static byte[] toBytes(List<Entry> entries) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try {
            write(entries, buffer);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return buffer.toByteArray();
    }

    /** Reads a batch, refusing values above {@code maxValueBytes}. */
    public static List<Entry> read(InputStream in, int maxValueBytes) throws IOException {
        return read(in, maxValueBytes, Integer.MAX_VALUE);
    }

    /**
     * Reads a batch of at most {@code maxEntries} entries, refusing values above {@code maxValueBytes}.
     *
     * @throws TooManyEntries when the batch says it holds more, before any entry is read
     */
    public static List<Entry> read(InputStream in, int maxValueBytes, int maxEntries) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int format = data.readUnsignedByte();
        if (format != FORMAT && format != FORMAT_WITH_EXPIRY) {
            throw new IOException("unknown entry batch format " + format);
        }
        int count = data.readInt();
        if (count < 0) {
            throw new IOException("negative entry count");
        }
        if (count > maxEntries) {
            throw new TooManyEntries(maxEntries);
        }
        List<Entry> entries = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            entries.add(readEntry(data, maxValueBytes));
        }
        return entries;
    }

    private static void writeEntry(DataOutputStream data, Entry entry) throws IOException {
        writeText(data, entry.key());
        writeText(data, entry.contentType());
        data.writeLong(entry.version().timestamp());
        data.writeLong(entry.version().writer().value());
        boolean expires = entry.expiresAtMillis() != Entry.NEVER;
        data.writeByte((entry.tombstone() ? TOMBSTONE : 0) | (expires ? EXPIRES : 0));
        if (expires) {
            data.writeLong(entry.expiresAtMillis());
        }
        data.writeInt(entry.value().length);
        data.write(entry.value());
    }

    private static Entry readEntry(DataInputStream data, int maxValueBytes) throws IOException {
        String key = readText(data);
        String contentType = readText(data);
        Version version = new Version(data.readLong(), new RingPosition(data.readLong()));
        int flags = data.readUnsignedByte();
        if ((flags & ~(TOMBSTONE | EXPIRES)) != 0) {
            throw new IOException("unknown entry flags " + flags);
        }
        long expiresAtMillis = (flags & EXPIRES) != 0 ? data.readLong() : Entry.NEVER;
        if ((flags & EXPIRES) != 0 && expiresAtMillis <= Entry.NEVER) {
            throw new IOException("an expiry of " + expiresAtMillis + " in an entry");
        }
        int length = data.readInt();
        if (length < 0 || length > maxValueBytes) {
            throw new IOException("value of " + length + " bytes exceeds the limit of " + maxValueBytes);
        }
        byte[] value = data.readNBytes(length);
        if (value.length != length) {
            throw new EOFException("entry batch ends inside a value");
        }
        return new Entry(key, value, contentType, version, (flags & TOMBSTONE) != 0, expiresAtMillis);
    }

    private static void writeText(DataOutputStream data, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        data.writeInt(bytes.length);
        data.write(bytes);
    }

    private static String readText(DataInputStream data) throws IOException {
        int length = data.readInt();
        if (length < 0 || length > MAX_TEXT_BYTES) {
            throw new IOException("text field of " + length + " bytes in an entry batch");
        }
        byte[] bytes = data.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException("entry batch ends inside a text field");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A batch larger than its reader takes. */
    public static final class TooManyEntries extends IOException {

        public TooManyEntries(int maxEntries) {
            super("a batch holds at most " + maxEntries + " entries");
        }
    }
}
