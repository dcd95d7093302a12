package dht.core;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class VirtualPositionsProperties {

    private static final BigInteger RING_SIZE = BigInteger.ONE.shiftLeft(64);

    @Provide
    Arbitrary<List<NodeRef>> fiveNodes() {
        return RingArbitraries.nodeLists(5, 5);
    }

    @Provide
    Arbitrary<List<NodeRef>> nodeLists() {
        return RingArbitraries.nodeLists(1, 12);
    }

    @Property
    void withEightOrMorePositionsNoNodeOfAFiveNodeRingHoldsMoreThanAQuarterAboveTheMean(
            @ForAll("fiveNodes") List<NodeRef> nodes, @ForAll @IntRange(min = 8, max = 32) int count) {
        assertNoNodeHoldsMoreThanAQuarterAboveTheMean(grow(nodes, count), count);
    }

    /** Three adjacent IDs: the last of them took half of each of seven ranges, more than its share, when halves were all it took. */
    @Test
    void aJoinerTakesNoMoreThanItsShareWhereHalvesOfRangesWouldGiveItMore() {
        List<NodeRef> nodes = List.of(RingPosition.MAX, RingPosition.MIN, new RingPosition(1), new RingPosition(Long.MAX_VALUE),
                new RingPosition(2)).stream().map(RingArbitraries::node).toList();

        assertNoNodeHoldsMoreThanAQuarterAboveTheMean(grow(nodes, 8), 8);
    }

    private static void assertNoNodeHoldsMoreThanAQuarterAboveTheMean(Ring ring, int count) {
        BigDecimal mean = new BigDecimal(RING_SIZE).divide(BigDecimal.valueOf(ring.size()), MathContext.DECIMAL64);
        for (NodeRef node : ring.nodes()) {
            BigDecimal share = new BigDecimal(VirtualPositions.load(ring, node)).divide(mean, MathContext.DECIMAL64);
            assertThat(share).as("share of %s, %d positions each", node, count).isLessThanOrEqualTo(new BigDecimal("1.25"));
        }
    }

    @Property
    void everyNodeStandsAtItsIdAndCountMinusOneFreePositionsAndTheRangesCoverTheRingOnce(
            @ForAll("nodeLists") List<NodeRef> nodes, @ForAll @IntRange(min = 1, max = 16) int count) {
        Ring ring = Ring.empty();
        for (NodeRef node : nodes) {
            if (ring.nodeAt(node.id()).isPresent()) {
                continue;
            }
            List<RingPosition> positions = VirtualPositions.allocate(ring, node, count);
            assertThat(positions).hasSize(count - 1).doesNotHaveDuplicates().doesNotContain(node.id());
            Ring before = ring;
            positions.forEach(position -> assertThat(before.nodes().stream().flatMap(n -> before.positionsOf(n.id()).stream()))
                    .doesNotContain(position));
            assertThat(VirtualPositions.allocate(ring, node, count)).as("the same again").isEqualTo(positions);
            ring = ring.with(node, positions);
            assertThat(ring.positionsOf(node.id())).hasSize(count).contains(node.id());
        }
        Ring grown = ring;
        BigInteger covered = grown.nodes().stream().map(node -> VirtualPositions.load(grown, node))
                .reduce(BigInteger.ZERO, BigInteger::add);
        assertThat(covered).isEqualTo(RING_SIZE);
    }

    @Property
    void aKeyBelongsToTheNodeAtThePositionBeforeItAndItsReplicasAreDistinctNodes(
            @ForAll("nodeLists") List<NodeRef> nodes, @ForAll @IntRange(min = 1, max = 8) int count,
            @ForAll("positions") RingPosition key, @ForAll @IntRange(min = 1, max = 5) int replicas) {
        Ring ring = grow(nodes, count);
        NodeRef owner = ring.ownerOf(key);

        assertThat(ring.rangesOf(owner.id())).anySatisfy(range -> assertThat(range.contains(key)).isTrue());
        for (NodeRef other : ring.nodes()) {
            if (!other.equals(owner)) {
                assertThat(ring.rangesOf(other.id())).noneSatisfy(range -> assertThat(range.contains(key)).isTrue());
            }
        }
        List<NodeRef> holders = ring.replicasOf(key, replicas);
        assertThat(holders).hasSize(Math.min(replicas, ring.size())).doesNotHaveDuplicates().startsWith(owner);
        if (holders.size() > 1) {
            assertThat(ring.without(owner.id()).ownerOf(key)).as("who takes over when the owner fails").isEqualTo(holders.get(1));
        }
    }

    @Test
    void aNodeAloneSpreadsItsPositionsEvenly() {
        NodeRef alone = RingArbitraries.node(new RingPosition(-3));

        List<RingPosition> positions = VirtualPositions.allocate(Ring.empty(), alone, 4);

        long quarter = 1L << 62;
        assertThat(positions).containsExactly(new RingPosition(quarter - 3), new RingPosition(2 * quarter - 3),
                new RingPosition(3 * quarter - 3));
    }

    @Test
    void oneLeavingNodeTakesAllItsPositionsWithIt() {
        List<NodeRef> nodes = List.of(RingArbitraries.node(new RingPosition(10)), RingArbitraries.node(new RingPosition(1L << 40)));
        Ring ring = grow(nodes, 8);

        Ring after = ring.without(nodes.getFirst().id());

        assertThat(after.nodes()).containsExactly(nodes.get(1));
        assertThat(VirtualPositions.load(after, nodes.get(1))).isEqualTo(RING_SIZE);
        assertThat(new HashSet<>(after.positionsOf(nodes.get(1).id()))).isEqualTo(Set.copyOf(ring.positionsOf(nodes.get(1).id())));
    }

    /**
     * The allocation reads the ring once and keeps loads and ranges up to date as it goes; it
     * chooses exactly what recomputing everything from the grown ring after each position chooses.
     */
    @Property
    void keepingLoadsUpToDateChoosesWhatRecomputingThemChooses(@ForAll("nodeLists") List<NodeRef> nodes,
                                                               @ForAll @IntRange(min = 1, max = 16) int count) {
        Ring ring = Ring.empty();
        for (NodeRef node : nodes) {
            if (ring.nodeAt(node.id()).isEmpty()) {
                List<RingPosition> allocated = VirtualPositions.allocate(ring, node, count);
                assertThat(allocated).as("positions of %s", node).isEqualTo(recomputingEachTime(ring, node, count));
                ring = ring.with(node, allocated);
            }
        }
    }

    /** The allocation as first written: every node's load recomputed from the grown ring for each position. */
    private static List<RingPosition> recomputingEachTime(Ring ring, NodeRef joiner, int count) {
        Ring grown = ring.without(joiner.id()).with(joiner);
        if (grown.size() == 1) {
            return KeyRange.wholeRing(joiner.id()).split(count).stream().skip(1).map(KeyRange::start).toList();
        }
        BigInteger share = KeyRange.wholeRing(joiner.id()).length().divide(BigInteger.valueOf(grown.size()));
        List<RingPosition> positions = new ArrayList<>();
        while (positions.size() < count - 1) {
            Ring current = grown;
            NodeRef fullest = current.nodes().stream().filter(node -> !node.equals(joiner))
                    .max(Comparator.comparing((NodeRef node) -> VirtualPositions.load(current, node)).thenComparing(NodeRef::id))
                    .orElseThrow();
            KeyRange largest = current.rangesOf(fullest.id()).stream()
                    .max(Comparator.comparing(KeyRange::length).thenComparing(KeyRange::start)).orElseThrow();
            if (largest.length().compareTo(BigInteger.TWO) < 0) {
                break;
            }
            BigInteger lacking = share.subtract(VirtualPositions.load(current, joiner))
                    .divide(BigInteger.valueOf(count - 1 - positions.size()));
            BigInteger taken = largest.length().divide(BigInteger.TWO).min(lacking.max(BigInteger.ONE));
            positions.add(new RingPosition(largest.end().value() - taken.longValue()));
            grown = grown.with(joiner, positions);
        }
        return positions;
    }

    @Provide
    Arbitrary<RingPosition> positions() {
        return RingArbitraries.positions();
    }

    /**
     * The nodes joining one after another, each with {@code count} positions; a node whose ID is
     * already another's position is refused, as the registry refuses it.
     */
    private static Ring grow(List<NodeRef> nodes, int count) {
        Ring ring = Ring.empty();
        for (NodeRef node : nodes) {
            if (ring.nodeAt(node.id()).isEmpty()) {
                ring = ring.with(node, VirtualPositions.allocate(ring, node, count));
            }
        }
        return ring;
    }
}
