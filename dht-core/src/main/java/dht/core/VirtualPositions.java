package dht.core;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a joining node's virtual positions go, besides its ID. Positions hashed at random balance a
 * small ring poorly (with 8 per node on a 5-node ring the fullest node holds about 1.4 times the
 * mean, often more), so each further position instead takes the upper part of the largest range of
 * the node that owns the most: what the joiner still lacks of its share of the ring, spread over the
 * positions it has left, and half that range at most. Halves alone overshoot: seven of them can give
 * the joiner more than its share. The same ring, joiner and reserved positions always give the same
 * positions, so that whoever computes them agrees.
 */
public final class VirtualPositions {

    private VirtualPositions() {
    }

    /**
     * The {@code count - 1} positions {@code joiner} takes besides its ID when it joins
     * {@code ring} (which may already list it at its ID alone); none for a count of 1.
     */
    public static List<RingPosition> allocate(Ring ring, NodeRef joiner, int count) {
        return allocate(ring, joiner, count, Set.of());
    }

    /**
     * As {@link #allocate(Ring, NodeRef, int)}, moving each position that would fall on one of the
     * {@code reserved} ones back until it does not: halving ranges lands exactly on positions that
     * stood in the ring before, such as the ID of a node that left and may join again.
     */
    public static List<RingPosition> allocate(Ring ring, NodeRef joiner, int count, Set<RingPosition> reserved) {
        if (count < 1) {
            throw new IllegalArgumentException("a node stands at one position at least, asked for " + count);
        }
        Ring grown = ring.without(joiner.id()).with(joiner);
        if (grown.size() == 1) {
            // alone, it owns everything whatever it does: spread evenly, so that later joiners find even ranges to split
            return KeyRange.wholeRing(joiner.id()).split(count).stream().skip(1).map(KeyRange::start).toList();
        }
        BigInteger share = KeyRange.wholeRing(joiner.id()).length().divide(BigInteger.valueOf(grown.size()));
        Loads loads = new Loads(grown, joiner);
        List<RingPosition> positions = new ArrayList<>(count - 1);
        while (positions.size() < count - 1) {
            RingPosition fullest = loads.fullest();
            KeyRange largest = loads.largestRangeOf(fullest);
            if (largest.length().compareTo(BigInteger.TWO) < 0) {
                break; // nothing left to split: a ring of adjacent positions
            }
            BigInteger lacking = share.subtract(loads.ofJoiner()).divide(BigInteger.valueOf(count - 1 - positions.size()));
            BigInteger taken = largest.length().divide(BigInteger.TWO).min(lacking.max(BigInteger.ONE));
            RingPosition position = new RingPosition(largest.end().value() - taken.longValue());
            while (reserved.contains(position) && taken.compareTo(largest.length().subtract(BigInteger.ONE)) < 0) {
                taken = taken.add(BigInteger.ONE);
                position = new RingPosition(largest.end().value() - taken.longValue());
            }
            positions.add(position);
            loads.giveToJoiner(fullest, largest, position, taken);
        }
        return List.copyOf(positions);
    }

    /** How many positions {@code node} owns, over all its ranges. */
    public static BigInteger load(Ring ring, NodeRef node) {
        return ring.rangesOf(node.id()).stream().map(KeyRange::length).reduce(BigInteger.ZERO, BigInteger::add);
    }

    /**
     * Every node's load and ranges, read from the ring once and then kept up to date as the joiner
     * takes part of a range: a join costs one pass over the ring, not one per position it takes
     * (a registry of thousands of nodes at dozens of positions each would otherwise spend minutes).
     */
    private static final class Loads {

        private static final Comparator<KeyRange> BY_LENGTH_THEN_START =
                Comparator.comparing(KeyRange::length).thenComparing(KeyRange::start);

        private final RingPosition joiner;
        private final Map<RingPosition, BigInteger> load = new HashMap<>();
        private final Map<RingPosition, TreeSet<KeyRange>> ranges = new HashMap<>();
        /** The nodes besides the joiner, by load then ID: the last is the fullest. */
        private final TreeSet<RingPosition> byLoad;

        Loads(Ring ring, NodeRef joiner) {
            this.joiner = joiner.id();
            for (Ring.Arc arc : ring.arcs()) {
                ranges.computeIfAbsent(arc.node().id(), id -> new TreeSet<>(BY_LENGTH_THEN_START)).add(arc.range());
                load.merge(arc.node().id(), arc.range().length(), BigInteger::add);
            }
            byLoad = new TreeSet<>(Comparator.comparing((RingPosition id) -> load.get(id)).thenComparing(id -> id));
            load.keySet().stream().filter(id -> !id.equals(this.joiner)).forEach(byLoad::add);
        }

        RingPosition fullest() {
            return byLoad.last();
        }

        KeyRange largestRangeOf(RingPosition node) {
            return ranges.get(node).last();
        }

        BigInteger ofJoiner() {
            return load.get(joiner);
        }

        /** The joiner stands at {@code position}, inside {@code range} of {@code node}: it takes the part from there on. */
        void giveToJoiner(RingPosition node, KeyRange range, RingPosition position, BigInteger taken) {
            byLoad.remove(node);
            ranges.get(node).remove(range);
            ranges.get(node).add(KeyRange.of(range.start(), position));
            load.merge(node, taken.negate(), BigInteger::add);
            load.merge(joiner, taken, BigInteger::add);
            byLoad.add(node);
        }
    }
}
