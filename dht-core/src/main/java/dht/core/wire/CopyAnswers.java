package dht.core.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of {@link CopyAnswer}s (media type {@value #MEDIA_TYPE}): a format byte and a
 * count, then per answer its kind, and for a copy the entry's length and bytes as a store keeps
 * them ({@link EntryCodec#entryToBytes}).
 */
public final class CopyAnswers {

    public static final String MEDIA_TYPE = "application/vnd.dht.copy-answers";

    private static final int FORMAT = 1;
    private static final long ENTRY_OVERHEAD_BYTES = 2 * 64 * 1024 + 64;
    private static final CopyAnswer.Kind[] KINDS = CopyAnswer.Kind.values();

    private CopyAnswers() {
    }

    public static byte[] toBytes(List<CopyAnswer> answers) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(buffer)) {
            data.writeByte(FORMAT);
            data.writeInt(answers.size());
            for (CopyAnswer answer : answers) {
                data.writeByte(answer.kind().ordinal());
                if (answer.copy() != null) {
                    byte[] entry = EntryCodec.entryToBytes(answer.copy());
                    data.writeInt(entry.length);
                    data.write(entry);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return buffer.toByteArray();
    }

    /**
     * Reads answers, refusing more than {@code maxAnswers} of them and values above {@code maxValueBytes}
     * (checked on the entry's whole length first: the value plus at most two text fields of 64 KiB and
     * the fixed fields, so that no length read off the wire allocates more than that).
     */
    public static List<CopyAnswer> fromBytes(byte[] bytes, int maxAnswers, int maxValueBytes) throws IOException {
        long maxEntryBytes = maxValueBytes + ENTRY_OVERHEAD_BYTES;
        DataInputStream data = new DataInputStream(new ByteArrayInputStream(bytes));
        int format = data.readUnsignedByte();
        if (format != FORMAT) {
            throw new IOException("unknown copy answers format " + format);
        }
        int count = data.readInt();
        if (count < 0 || count > maxAnswers) {
            throw new IOException(count + " copy answers, at most " + maxAnswers + " taken");
        }
        List<CopyAnswer> answers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int kind = data.readUnsignedByte();
            if (kind >= KINDS.length) {
                throw new IOException("unknown copy answer kind " + kind);
            }
            if (KINDS[kind] != CopyAnswer.Kind.COPY) {
                answers.add(CopyAnswer.of(KINDS[kind]));
                continue;
            }
            int length = data.readInt();
            if (length < 0 || length > maxEntryBytes) {
                throw new IOException("an entry of " + length + " bytes exceeds the limit of " + maxEntryBytes);
            }
            byte[] entry = data.readNBytes(length);
            if (entry.length != length) {
                throw new EOFException("copy answers end inside an entry");
            }
            Entry copy = EntryCodec.entryFromBytes(entry);
            if (copy.value().length > maxValueBytes) {
                throw new IOException("a value of " + copy.value().length + " bytes exceeds the limit of " + maxValueBytes);
            }
            answers.add(new CopyAnswer(CopyAnswer.Kind.COPY, copy));
        }
        return answers;
    }
}
