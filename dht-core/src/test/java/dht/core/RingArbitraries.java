package dht.core;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.List;

/**
 * Generators shared by the property tests. Positions lean on the places where unsigned 64-bit
 * arithmetic goes wrong: 0, 2^64-1, the signed boundary 2^63, and tight clusters around the wrap
 * point, so that adjacent IDs and IDs at both ends of the ring turn up often.
 */
public final class RingArbitraries {

    private RingArbitraries() {
    }

    public static Arbitrary<RingPosition> positions() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(0L, 1L, 2L, -1L, -2L, Long.MAX_VALUE, Long.MIN_VALUE,
                        Long.MAX_VALUE - 1, Long.MIN_VALUE + 1)),
                Tuple.of(1, Arbitraries.longs().between(-8, 8)),
                Tuple.of(1, Arbitraries.longs().between(Long.MAX_VALUE - 4, Long.MAX_VALUE)),
                Tuple.of(1, Arbitraries.longs().between(Long.MIN_VALUE, Long.MIN_VALUE + 4)),
                Tuple.of(6, Arbitraries.longs()))
                .map(RingPosition::new);
    }

    /** A node per ID, with an address that differs from node to node. */
    public static NodeRef node(RingPosition id) {
        return NodeRef.of(id, "node-" + id + ":7000");
    }

    public static Arbitrary<NodeRef> nodes() {
        return positions().map(RingArbitraries::node);
    }

    /** Between {@code min} and {@code max} nodes with distinct IDs, in no particular order. */
    public static Arbitrary<List<NodeRef>> nodeLists(int min, int max) {
        return positions().set().ofMinSize(min).ofMaxSize(max)
                .map(ids -> ids.stream().map(RingArbitraries::node).toList());
    }

    public static Arbitrary<Ring> rings(int min, int max) {
        return nodeLists(min, max).map(Ring::of);
    }

    public static Arbitrary<KeyRange> ranges() {
        return Combinators.combine(positions(), positions()).as(KeyRange::of);
    }

    /**
     * A range together with a position that is often right at, just before or just after one of
     * the range's ends, where off-by-one mistakes show.
     */
    public static Arbitrary<Tuple.Tuple2<KeyRange, RingPosition>> rangesWithProbes() {
        return ranges().flatMap(range -> Arbitraries.oneOf(
                        positions(),
                        Arbitraries.longs().between(-2, 2).map(d -> new RingPosition(range.start().value() + d)),
                        Arbitraries.longs().between(-2, 2).map(d -> new RingPosition(range.end().value() + d)))
                .map(position -> Tuple.of(range, position)));
    }
}
