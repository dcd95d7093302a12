package dht.core;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where a joining node's virtual positions go, besides its ID. Positions hashed at random balance a
 * small ring poorly (with 8 per node on a 5-node ring the fullest node holds about 1.4 times the
 * mean, often more), so each further position instead takes the upper part of the largest range of
 * the node that owns the most: what the joiner still lacks of its share of the ring, spread over the
 * positions it has left, and half that range at most. Halves alone overshoot: seven of them can give
 * the joiner more than its share. The same ring and joiner always give the same positions, so that
 * whoever computes them agrees.
 */
public final class VirtualPositions {

    private VirtualPositions() {
    }

    /**
     * The {@code count - 1} positions {@code joiner} takes besides its ID when it joins
     * {@code ring} (which may already list it at its ID alone); none for a count of 1.
     */
    public static List<RingPosition> allocate(Ring ring, NodeRef joiner, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a node stands at one position at least, asked for " + count);
        }
        Ring grown = ring.without(joiner.id()).with(joiner);
        if (grown.size() == 1) {
            // alone, it owns everything whatever it does: spread evenly, so that later joiners find even ranges to split
            return KeyRange.wholeRing(joiner.id()).split(count).stream().skip(1).map(KeyRange::start).toList();
        }
        BigInteger share = KeyRange.wholeRing(joiner.id()).length().divide(BigInteger.valueOf(grown.size()));
        List<RingPosition> positions = new ArrayList<>(count - 1);
        while (positions.size() < count - 1) {
            Ring current = grown;
            NodeRef fullest = current.nodes().stream()
                    .filter(node -> !node.equals(joiner))
                    .max(Comparator.comparing((NodeRef node) -> load(current, node)).thenComparing(NodeRef::id))
                    .orElseThrow();
            KeyRange largest = current.rangesOf(fullest.id()).stream()
                    .max(Comparator.comparing(KeyRange::length).thenComparing(KeyRange::start))
                    .orElseThrow();
            if (largest.length().compareTo(BigInteger.TWO) < 0) {
                break; // nothing left to split: a ring of adjacent positions
            }
            BigInteger lacking = share.subtract(load(current, joiner)).divide(BigInteger.valueOf(count - 1 - positions.size()));
            BigInteger taken = largest.length().divide(BigInteger.TWO).min(lacking.max(BigInteger.ONE));
            positions.add(new RingPosition(largest.end().value() - taken.longValue()));
            grown = grown.with(joiner, positions);
        }
        return List.copyOf(positions);
    }

    /** How many positions {@code node} owns, over all its ranges. */
    public static BigInteger load(Ring ring, NodeRef node) {
        return ring.rangesOf(node.id()).stream().map(KeyRange::length).reduce(BigInteger.ZERO, BigInteger::add);
    }
}
