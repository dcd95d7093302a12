package dht.core;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The arc of the ring from {@code start} (inclusive) clockwise to {@code end} (exclusive). An arc
 * whose ends meet is the whole ring: that is what a ring of one node owns.
 */
public record KeyRange(RingPosition start, RingPosition end) {

    private static final BigInteger RING_SIZE = BigInteger.ONE.shiftLeft(64);

    public KeyRange {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
    }

    public static KeyRange of(RingPosition start, RingPosition end) {
        return new KeyRange(start, end);
    }

    public static KeyRange wholeRing(RingPosition start) {
        return new KeyRange(start, start);
    }

    @JsonIgnore
    public boolean isWholeRing() {
        return start.equals(end);
    }

    public boolean contains(RingPosition position) {
        if (isWholeRing()) {
            return true;
        }
        return Long.compareUnsigned(start.distanceTo(position), start.distanceTo(end)) < 0;
    }

    /** Whether every position of {@code other} lies in this range. */
    public boolean encloses(KeyRange other) {
        if (isWholeRing()) {
            return true;
        }
        if (other.isWholeRing()) {
            return false;
        }
        long offset = start.distanceTo(other.start);
        long otherLength = other.start.distanceTo(other.end);
        long length = start.distanceTo(end);
        return Long.compareUnsigned(offset, length) < 0
                && Long.compareUnsigned(otherLength, length - offset) <= 0;
    }

    /** Whether some position lies in both ranges. */
    public boolean overlaps(KeyRange other) {
        return contains(other.start) || other.contains(start);
    }

    /**
     * The range as one or two arcs that do not wrap past {@code ffffffffffffffff}, in clockwise order
     * from {@code start}; each is given by its first and last position, both inclusive.
     */
    @JsonIgnore
    public List<Segment> segments() {
        RingPosition last = end.previous();
        if (!isWholeRing() && start.compareTo(last) <= 0) {
            return List.of(new Segment(start, last));
        }
        if (start.equals(RingPosition.MIN)) {
            return List.of(new Segment(RingPosition.MIN, RingPosition.MAX));
        }
        return List.of(new Segment(start, RingPosition.MAX), new Segment(RingPosition.MIN, last));
    }

    /**
     * This range cut into {@code parts} consecutive arcs of nearly equal length, in clockwise order
     * from {@code start} (fewer when the range holds fewer positions, so that none is empty).
     */
    public List<KeyRange> split(int parts) {
        int count = effectiveParts(parts);
        BigInteger length = length();
        List<KeyRange> arcs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            arcs.add(new KeyRange(offsetBy(boundary(i, count, length)), offsetBy(boundary(i + 1, count, length))));
        }
        return arcs;
    }

    /** The index of the arc of {@link #split(int) split(parts)} that holds {@code position}, which lies in this range. */
    public int partOf(RingPosition position, int parts) {
        if (!contains(position)) {
            throw new IllegalArgumentException(position + " lies outside " + this);
        }
        int count = effectiveParts(parts);
        BigInteger offset = unsigned(start.distanceTo(position));
        // arc i starts at ceil(i * length / count), so the arc of an offset is floor(offset * count / length)
        return offset.multiply(BigInteger.valueOf(count)).divide(length()).intValueExact();
    }

    private int effectiveParts(int parts) {
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be at least 1, not " + parts);
        }
        return length().min(BigInteger.valueOf(parts)).intValueExact();
    }

    /** How many positions the range holds: 2^64 for the whole ring. */
    @JsonIgnore
    public BigInteger length() {
        return isWholeRing() ? RING_SIZE : unsigned(start.distanceTo(end));
    }

    private static BigInteger boundary(int i, int count, BigInteger length) {
        BigInteger[] quotientAndRemainder = length.multiply(BigInteger.valueOf(i)).divideAndRemainder(BigInteger.valueOf(count));
        return quotientAndRemainder[1].signum() == 0 ? quotientAndRemainder[0] : quotientAndRemainder[0].add(BigInteger.ONE);
    }

    private RingPosition offsetBy(BigInteger offset) {
        return new RingPosition(start.value() + offset.longValue());
    }

    private static BigInteger unsigned(long value) {
        return new BigInteger(Long.toUnsignedString(value));
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }

    /** A non-wrapping run of positions, {@code first} to {@code last} inclusive. */
    public record Segment(RingPosition first, RingPosition last) {
    }
}
