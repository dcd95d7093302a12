package dht.core;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RingProperties {

    private static final BigInteger TWO_TO_THE_64 = BigInteger.ONE.shiftLeft(64);

    @Provide
    Arbitrary<List<NodeRef>> nodeLists() {
        return RingArbitraries.nodeLists(1, 30);
    }

    @Provide
    Arbitrary<List<NodeRef>> pairs() {
        return RingArbitraries.nodeLists(2, 2);
    }

    @Provide
    Arbitrary<Ring> rings() {
        return RingArbitraries.rings(1, 30);
    }

    @Provide
    Arbitrary<RingPosition> positions() {
        return RingArbitraries.positions();
    }

    @Provide
    Arbitrary<NodeRef> nodes() {
        return RingArbitraries.nodes();
    }

    @Provide
    Arbitrary<List<RingPosition>> probes() {
        return RingArbitraries.positions().list().ofMaxSize(50);
    }

    /** The positions where ownership changes, and both their sides, and some arbitrary ones. */
    private static List<RingPosition> probesAround(Ring ring, List<RingPosition> extra) {
        List<RingPosition> probes = new ArrayList<>(extra);
        probes.add(RingPosition.MIN);
        probes.add(RingPosition.MAX);
        for (NodeRef node : ring.nodes()) {
            probes.add(node.id());
            probes.add(node.id().previous());
            probes.add(node.id().next());
        }
        return probes;
    }

    /** The owner by brute force: the node with the largest ID not above the position, else the largest. */
    private static NodeRef modelOwner(List<NodeRef> nodes, RingPosition position) {
        Comparator<NodeRef> byId = Comparator.comparing(NodeRef::id);
        return nodes.stream()
                .filter(node -> node.id().compareTo(position) <= 0)
                .max(byId)
                .orElseGet(() -> nodes.stream().max(byId).orElseThrow());
    }

    @Property
    void orderOfAdditionDoesNotMatter(@ForAll("nodeLists") List<NodeRef> nodes, @ForAll Random random) {
        List<NodeRef> shuffled = new ArrayList<>(nodes);
        Collections.shuffle(shuffled, random);

        Ring one = Ring.of(nodes);
        Ring other = Ring.of(shuffled);

        assertThat(other).isEqualTo(one);
        assertThat(other.hashCode()).isEqualTo(one.hashCode());
        assertThat(other.nodes()).isEqualTo(one.nodes());
    }

    @Property
    void ringOfAllEqualsAddingOneByOne(@ForAll("nodeLists") List<NodeRef> nodes) {
        Ring oneByOne = Ring.empty();
        for (NodeRef node : nodes) {
            oneByOne = oneByOne.with(node);
        }

        assertThat(Ring.of(nodes)).isEqualTo(oneByOne);
        assertThat(Ring.of(nodes.toArray(NodeRef[]::new))).isEqualTo(oneByOne);
    }

    @Property
    void ringHoldsEveryNodeInUnsignedIdOrder(@ForAll("nodeLists") List<NodeRef> nodes) {
        Ring ring = Ring.of(nodes);

        assertThat(ring.size()).isEqualTo(nodes.size());
        assertThat(ring.nodes()).containsExactlyInAnyOrderElementsOf(nodes);
        assertThat(ring.nodes()).isSortedAccordingTo(Comparator.comparing(NodeRef::id));
    }

    @Property
    void ownerIsTheNodeWithTheLargestIdNotAboveThePositionWrapping(@ForAll("nodeLists") List<NodeRef> nodes,
                                                                   @ForAll("probes") List<RingPosition> extra) {
        Ring ring = Ring.of(nodes);

        for (RingPosition position : probesAround(ring, extra)) {
            assertThat(ring.ownerOf(position)).as("owner of %s", position).isEqualTo(modelOwner(nodes, position));
        }
    }

    @Property
    void everyPositionHasExactlyOneOwnerWhoseRangeContainsIt(@ForAll("rings") Ring ring,
                                                             @ForAll("probes") List<RingPosition> extra) {
        for (RingPosition position : probesAround(ring, extra)) {
            List<NodeRef> claimants = ring.nodes().stream()
                    .filter(node -> ring.rangeOf(node.id()).contains(position))
                    .toList();

            assertThat(claimants).as("nodes whose range holds %s", position).containsExactly(ring.ownerOf(position));
        }
    }

    @Property
    void keysEqualToNodeIdsBelongToThoseNodes(@ForAll("rings") Ring ring) {
        for (NodeRef node : ring.nodes()) {
            assertThat(ring.ownerOf(node.id())).isEqualTo(node);
        }
    }

    @Property
    void keyJustBeforeANodeIdBelongsToItsPredecessor(@ForAll("rings") Ring ring) {
        for (NodeRef node : ring.nodes()) {
            assertThat(ring.ownerOf(node.id().previous())).isEqualTo(ring.predecessorOf(node.id()));
        }
    }

    @Property
    void rangesOfAllNodesPartitionTheRing(@ForAll("rings") Ring ring) {
        if (ring.size() == 1) {
            assertThat(ring.rangeOf(ring.nodes().getFirst().id()).isWholeRing()).isTrue();
            return;
        }
        long wrappingSum = 0;
        BigInteger exactSum = BigInteger.ZERO;
        for (NodeRef node : ring.nodes()) {
            KeyRange range = ring.rangeOf(node.id());
            assertThat(range.isWholeRing()).isFalse();
            long length = range.start().distanceTo(range.end());
            wrappingSum += length;
            exactSum = exactSum.add(new BigInteger(Long.toUnsignedString(length)));
        }

        assertThat(wrappingSum).isZero();
        assertThat(exactSum).isEqualTo(TWO_TO_THE_64);
    }

    @Property
    void eachRangeEndsWhereTheNextNodesRangeStarts(@ForAll("rings") Ring ring) {
        List<NodeRef> nodes = ring.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            NodeRef next = nodes.get((i + 1) % nodes.size());

            assertThat(ring.rangeOf(nodes.get(i).id())).isEqualTo(KeyRange.of(nodes.get(i).id(), next.id()));
        }
    }

    @Property
    void joinMovesKeysOnlyFromThePredecessorToTheNewNode(@ForAll("rings") Ring ring,
                                                         @ForAll("nodes") NodeRef joiner,
                                                         @ForAll("probes") List<RingPosition> extra) {
        Assume.that(!ring.contains(joiner.id()));
        Ring joined = ring.with(joiner);
        NodeRef predecessor = joined.predecessorOf(joiner.id());
        List<RingPosition> probes = probesAround(joined, extra);

        for (RingPosition position : probes) {
            NodeRef before = ring.ownerOf(position);
            NodeRef after = joined.ownerOf(position);
            if (!after.equals(before)) {
                assertThat(after).as("new owner of %s", position).isEqualTo(joiner);
                assertThat(before).as("old owner of %s", position).isEqualTo(predecessor);
            }
        }
    }

    @Property
    void newNodeTakesTheUpperPartOfItsPredecessorsRange(@ForAll("rings") Ring ring, @ForAll("nodes") NodeRef joiner) {
        Assume.that(!ring.contains(joiner.id()));
        NodeRef predecessor = ring.ownerOf(joiner.id());
        KeyRange before = ring.rangeOf(predecessor.id());

        Ring joined = ring.with(joiner);

        assertThat(joined.predecessorOf(joiner.id())).isEqualTo(predecessor);
        assertThat(joined.rangeOf(joiner.id())).isEqualTo(KeyRange.of(joiner.id(), before.end()));
        assertThat(joined.rangeOf(predecessor.id())).isEqualTo(KeyRange.of(predecessor.id(), joiner.id()));
        assertThat(before.encloses(joined.rangeOf(joiner.id()))).isTrue();
        assertThat(before.encloses(joined.rangeOf(predecessor.id()))).isTrue();
    }

    @Property
    void joinLeavesEveryOtherNodesRangeAlone(@ForAll("rings") Ring ring, @ForAll("nodes") NodeRef joiner) {
        Assume.that(!ring.contains(joiner.id()));
        Ring joined = ring.with(joiner);
        NodeRef predecessor = joined.predecessorOf(joiner.id());

        for (NodeRef node : ring.nodes()) {
            if (!node.equals(predecessor)) {
                assertThat(joined.rangeOf(node.id())).isEqualTo(ring.rangeOf(node.id()));
            }
        }
    }

    @Property
    void leaveHandsTheLeaversKeysToItsPredecessorOnly(@ForAll("rings") Ring ring,
                                                      @ForAll @IntRange(min = 0, max = 1000) int pick,
                                                      @ForAll("probes") List<RingPosition> extra) {
        Assume.that(ring.size() >= 2);
        NodeRef leaver = ring.nodes().get(pick % ring.size());
        NodeRef predecessor = ring.predecessorOf(leaver.id());
        Ring left = ring.without(leaver.id());

        for (RingPosition position : probesAround(ring, extra)) {
            NodeRef before = ring.ownerOf(position);
            NodeRef after = left.ownerOf(position);
            if (before.equals(leaver)) {
                assertThat(after).isEqualTo(predecessor);
            } else {
                assertThat(after).isEqualTo(before);
            }
        }
    }

    @Property
    void withoutUndoesWith(@ForAll("rings") Ring ring, @ForAll("nodes") NodeRef joiner) {
        Assume.that(!ring.contains(joiner.id()));

        assertThat(ring.with(joiner).without(joiner.id())).isEqualTo(ring);
    }

    @Property
    void withUndoesWithout(@ForAll("rings") Ring ring, @ForAll @IntRange(min = 0, max = 1000) int pick) {
        NodeRef node = ring.nodes().get(pick % ring.size());

        assertThat(ring.without(node.id()).with(node)).isEqualTo(ring);
    }

    /**
     * Clockwise distance where arriving back at the start counts as the full circle, not zero:
     * subtracting one (unsigned) turns 0 into the largest value and keeps the order of the rest.
     */
    private static long strictDistance(RingPosition from, RingPosition to) {
        return from.distanceTo(to) - 1;
    }

    @Property
    void successorOfAPositionIsTheNearestNodeStrictlyClockwise(@ForAll("rings") Ring ring,
                                                               @ForAll("probes") List<RingPosition> extra) {
        for (RingPosition position : probesAround(ring, extra)) {
            NodeRef expected = ring.nodes().stream()
                    .min((a, b) -> Long.compareUnsigned(strictDistance(position, a.id()), strictDistance(position, b.id())))
                    .orElseThrow();

            assertThat(ring.successorOf(position)).as("successor of %s", position).isEqualTo(expected);
        }
    }

    @Property
    void predecessorOfAPositionIsTheNearestNodeStrictlyCounterClockwise(@ForAll("rings") Ring ring,
                                                                        @ForAll("probes") List<RingPosition> extra) {
        for (RingPosition position : probesAround(ring, extra)) {
            NodeRef expected = ring.nodes().stream()
                    .min((a, b) -> Long.compareUnsigned(strictDistance(a.id(), position), strictDistance(b.id(), position)))
                    .orElseThrow();

            assertThat(ring.predecessorOf(position)).as("predecessor of %s", position).isEqualTo(expected);
        }
    }

    @Property
    void successorAndPredecessorOfNodesWrapAndUndoEachOther(@ForAll("rings") Ring ring) {
        List<NodeRef> nodes = ring.nodes();

        assertThat(ring.successorOf(nodes.getLast().id())).isEqualTo(nodes.getFirst());
        assertThat(ring.predecessorOf(nodes.getFirst().id())).isEqualTo(nodes.getLast());
        for (NodeRef node : nodes) {
            assertThat(ring.predecessorOf(ring.successorOf(node.id()).id())).isEqualTo(node);
            assertThat(ring.successorOf(ring.predecessorOf(node.id()).id())).isEqualTo(node);
        }
    }

    @Property
    void walkingSuccessorsVisitsEveryNodeOnceAndComesBack(@ForAll("rings") Ring ring) {
        NodeRef start = ring.nodes().getFirst();
        List<NodeRef> visited = new ArrayList<>();
        NodeRef node = start;
        do {
            visited.add(node);
            node = ring.successorOf(node.id());
        } while (!node.equals(start) && visited.size() <= ring.size());

        assertThat(visited).isEqualTo(ring.nodes());
    }

    @Property
    void replicasAreDistinctStartWithTheOwnerAndAreCappedByRingSize(@ForAll("rings") Ring ring,
                                                                    @ForAll("positions") RingPosition position,
                                                                    @ForAll @IntRange(min = 1, max = 40) int count) {
        List<NodeRef> replicas = ring.replicasOf(position, count);

        assertThat(replicas).hasSize(Math.min(count, ring.size()));
        assertThat(new HashSet<>(replicas)).hasSameSizeAs(replicas);
        assertThat(replicas.getFirst()).isEqualTo(ring.ownerOf(position));
        for (int i = 1; i < replicas.size(); i++) {
            assertThat(replicas.get(i)).isEqualTo(ring.predecessorOf(replicas.get(i - 1).id()));
        }
    }

    @Property
    void addingAnExistingIdUnderAnotherAddressIsRefused(@ForAll("rings") Ring ring,
                                                        @ForAll @IntRange(min = 0, max = 1000) int pick) {
        NodeRef present = ring.nodes().get(pick % ring.size());
        NodeRef impostor = NodeRef.of(present.id(), "impostor:" + pick);

        assertThatThrownBy(() -> ring.with(impostor))
                .isInstanceOfSatisfying(DuplicateNodeIdException.class, e -> {
                    assertThat(e.present()).isEqualTo(present);
                    assertThat(e.requested()).isEqualTo(impostor);
                });
    }

    @Property
    void addingAPresentNodeAgainChangesNothing(@ForAll("rings") Ring ring,
                                               @ForAll @IntRange(min = 0, max = 1000) int pick) {
        NodeRef present = ring.nodes().get(pick % ring.size());

        assertThat(ring.with(present)).isEqualTo(ring);
    }

    @Property
    void ringsOfOneOwnEverything(@ForAll("nodes") NodeRef node, @ForAll("positions") RingPosition position) {
        Ring ring = Ring.of(node);

        assertThat(ring.ownerOf(position)).isEqualTo(node);
        assertThat(ring.rangeOf(node.id())).isEqualTo(KeyRange.wholeRing(node.id()));
    }

    @Property
    void ringsOfTwoSplitAtTheirIds(@ForAll("pairs") List<NodeRef> pair,
                                   @ForAll("positions") RingPosition position) {
        Ring ring = Ring.of(pair);
        NodeRef low = ring.nodes().get(0);
        NodeRef high = ring.nodes().get(1);
        boolean inLowRange = low.id().compareTo(position) <= 0 && position.compareTo(high.id()) < 0;

        assertThat(ring.ownerOf(position)).isEqualTo(inLowRange ? low : high);
        assertThat(ring.successorOf(low.id())).isEqualTo(high);
        assertThat(ring.successorOf(high.id())).isEqualTo(low);
    }

    @Provide
    Arbitrary<List<NodeRef>> edgeRings() {
        return Arbitraries.subsetOf(RingPosition.MIN, RingPosition.MAX, new RingPosition(1),
                        new RingPosition(-2), new RingPosition(Long.MAX_VALUE), new RingPosition(Long.MIN_VALUE))
                .ofMinSize(1)
                .map(ids -> ids.stream().map(RingArbitraries::node).toList());
    }

    @Property
    void ringsBuiltOnlyFromEdgeIdsFollowTheModel(@ForAll("edgeRings") List<NodeRef> nodes,
                                                 @ForAll("probes") List<RingPosition> extra) {
        Ring ring = Ring.of(nodes);

        for (RingPosition position : probesAround(ring, extra)) {
            assertThat(ring.ownerOf(position)).isEqualTo(modelOwner(nodes, position));
        }
    }
}
