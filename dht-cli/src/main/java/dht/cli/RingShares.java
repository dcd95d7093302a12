package dht.cli;

import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.VirtualPositions;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each node's share of the ring in percent with two decimals, from the lengths of the ranges it owns
 * (unsigned 64-bit; one range per position with virtual nodes). Rounded by largest remainder, so that the shares add up to exactly 100.00.
 */
final class RingShares {

    private static final BigInteger RING_SIZE = BigInteger.ONE.shiftLeft(64);
    /** Hundredths of a percent in the whole ring. */
    private static final BigInteger UNITS = BigInteger.valueOf(10_000);

    private RingShares() {
    }

    /** Each node's share in percent, in ID order; empty for an empty ring. */
    static Map<RingPosition, BigDecimal> of(Ring ring) {
        List<RingPosition> ids = ring.nodes().stream().map(node -> node.id()).toList();
        List<BigInteger[]> parts = new ArrayList<>();
        BigInteger assigned = BigInteger.ZERO;
        for (RingPosition id : ids) {
            BigInteger[] division = VirtualPositions.load(ring, ring.node(id).orElseThrow()).multiply(UNITS).divideAndRemainder(RING_SIZE);
            parts.add(division);
            assigned = assigned.add(division[0]);
        }
        int missing = ids.isEmpty() ? 0 : UNITS.subtract(assigned).intValueExact();
        List<Integer> byRemainder = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            byRemainder.add(i);
        }
        byRemainder.sort(Comparator.comparing((Integer i) -> parts.get(i)[1]).reversed().thenComparing(i -> i));
        for (int i = 0; i < missing; i++) {
            BigInteger[] part = parts.get(byRemainder.get(i));
            part[0] = part[0].add(BigInteger.ONE);
        }
        Map<RingPosition, BigDecimal> shares = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            shares.put(ids.get(i), new BigDecimal(parts.get(i)[0], 2));
        }
        return shares;
    }
}
