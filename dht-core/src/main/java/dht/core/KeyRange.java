package dht.core;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.util.List;
import java.util.Objects;

/**
 * The arc of the ring from {@code start} (inclusive) clockwise to {@code end} (exclusive). An arc
 * whose ends meet is the whole ring: that is what a ring of one node owns.
 */
public record KeyRange(RingPosition start, RingPosition end) {

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

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }

    /** A non-wrapping run of positions, {@code first} to {@code last} inclusive. */
    public record Segment(RingPosition first, RingPosition last) {
    }
}
