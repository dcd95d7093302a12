package dht.core.wire;

import dht.core.KeyRange;
import dht.core.RingPosition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A fingerprint of what a node holds of a range: one hash per arc of {@link KeyRange#split}, the
 * sum of the hashes of each entry's key and version (whether it is a tombstone, and its expiry if
 * it has one). Two replicas compare digests and exchange only the arcs whose hashes differ; since a
 * version names exactly one write, equal hashes mean equal contents, whatever order the entries
 * were added in. An entry without an expiry hashes as it did before values could expire.
 */
public record RangeDigest(KeyRange range, List<String> parts) {

    public RangeDigest {
        Objects.requireNonNull(range, "range");
        parts = List.copyOf(parts);
    }

    /** The arcs whose hashes differ from {@code other}'s; every arc when the two cut different ranges. */
    public List<KeyRange> differingArcs(RangeDigest other) {
        List<KeyRange> arcs = range.split(parts.size());
        if (!range.equals(other.range) || parts.size() != other.parts.size()) {
            return arcs;
        }
        List<KeyRange> differing = new ArrayList<>();
        for (int i = 0; i < arcs.size(); i++) {
            if (!parts.get(i).equals(other.parts.get(i))) {
                differing.add(arcs.get(i));
            }
        }
        return differing;
    }

    /** Collects the entries of one range, in any order, into its digest. */
    public static final class Builder {

        private final KeyRange range;
        private final long[] sums;
        private final MessageDigest sha256;

        public Builder(KeyRange range, int parts) {
            this.range = range;
            this.sums = new long[range.split(parts).size()];
            try {
                this.sha256 = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }

        public Builder add(Entry entry) {
            RingPosition position = RingPosition.ofKey(entry.key());
            sha256.update(entry.key().getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) 0);
            sha256.update(entry.version().toString().getBytes(StandardCharsets.US_ASCII));
            sha256.update((byte) (entry.tombstone() ? 1 : 0));
            if (entry.expiresAtMillis() != Entry.NEVER) {
                sha256.update(ByteBuffer.allocate(Long.BYTES).putLong(entry.expiresAtMillis()).array());
            }
            sums[range.partOf(position, sums.length)] += ByteBuffer.wrap(sha256.digest()).getLong();
            return this;
        }

        public RangeDigest build() {
            List<String> parts = new ArrayList<>(sums.length);
            for (long sum : sums) {
                parts.add(HexFormat.of().toHexDigits(sum));
            }
            return new RangeDigest(range, parts);
        }
    }
}
