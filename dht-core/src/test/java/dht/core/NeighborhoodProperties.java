package dht.core;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

class NeighborhoodProperties {

    /** Rings of 1 to 8 nodes with 1 to 8 positions each, the extra positions dealt out at random. */
    @Provide
    Arbitrary<Ring> rings() {
        return Combinators.combine(RingArbitraries.positions().set().ofMinSize(1).ofMaxSize(40), Arbitraries.integers().between(1, 8))
                .as((positions, wantedNodes) -> {
                    List<RingPosition> all = new ArrayList<>(positions);
                    int nodeCount = Math.min(wantedNodes, all.size());
                    List<NodeRef> nodes = all.subList(0, nodeCount).stream().map(RingArbitraries::node).toList();
                    Map<NodeRef, List<RingPosition>> virtual = new HashMap<>();
                    for (int i = nodeCount; i < all.size(); i++) {
                        NodeRef holder = nodes.get(Math.floorMod(all.get(i).hashCode(), nodeCount));
                        virtual.computeIfAbsent(holder, node -> new ArrayList<>()).add(all.get(i));
                    }
                    Ring ring = Ring.empty();
                    for (NodeRef node : nodes) {
                        ring = ring.with(node, virtual.getOrDefault(node, List.of()));
                    }
                    return ring;
                });
    }

    @Provide
    Arbitrary<RingPosition> positions() {
        return RingArbitraries.positions();
    }

    /** The neighborhood each node of {@code ring} has when all its neighbor references are correct. */
    private static Map<NodeRef, Neighborhood> correctNeighborhoods(Ring ring) {
        Map<NodeRef, Neighborhood> neighborhoods = new HashMap<>();
        for (NodeRef node : ring.nodes()) {
            List<NeighborView> views = ring.positionsOf(node.id()).stream()
                    .map(position -> new NeighborView(node.atPosition(position), ring.memberBefore(position), ring.memberAfter(position)))
                    .toList();
            neighborhoods.put(node, new Neighborhood(node, views));
        }
        return neighborhoods;
    }

    /** A key anywhere, at a position or right before one, where routing mistakes show. */
    private static List<RingPosition> keysFor(Ring ring, RingPosition key) {
        NodeRef near = ring.memberOwning(key);
        return List.of(key, near.id(), near.id().previous(), ring.memberAfter(key).id().previous());
    }

    @Property
    void aNodeOwnsExactlyTheRangesOfItsPositions(@ForAll("rings") Ring ring, @ForAll("positions") RingPosition key) {
        correctNeighborhoods(ring).forEach((node, neighborhood) -> {
            assertThat(neighborhood.ownedRanges()).isEqualTo(ring.rangesOf(node.id()));
            for (RingPosition position : keysFor(ring, key)) {
                assertThat(neighborhood.owns(position)).isEqualTo(ring.ownerOf(position).equals(node));
                neighborhood.viewOwning(position).ifPresent(view ->
                        assertThat(view.self()).isEqualTo(ring.memberOwning(position)));
            }
        });
    }

    @Property
    void routingFromAnyNodeEndsAtTheOwnerMovingStrictlyCloserEachHop(@ForAll("rings") Ring ring,
                                                                    @ForAll("positions") RingPosition key) {
        Map<String, Neighborhood> byAddress = byAddress(ring);
        for (RingPosition position : keysFor(ring, key)) {
            for (NodeRef start : ring.nodes()) {
                walk(ring, byAddress, start, position, Neighborhood::nextHop);
            }
        }
    }

    /**
     * With a view of the whole ring as well, fresh or missing any of the nodes (it is refreshed
     * between joins), a lookup still ends at the owner, each hop strictly closer; with a fresh view,
     * in one hop at most.
     */
    @Property
    void routingThroughARingViewEndsAtTheOwnerInOneHopWhenTheViewIsFresh(@ForAll("rings") Ring ring,
                                                                        @ForAll("positions") RingPosition key,
                                                                        @ForAll long staleness) {
        Map<String, Neighborhood> byAddress = byAddress(ring);
        Ring stale = ring;
        Random random = new Random(staleness);
        for (NodeRef node : ring.nodes()) {
            if (random.nextInt(3) == 0) {
                stale = stale.without(node.id());
            }
        }
        for (Ring view : List.of(ring, stale, Ring.empty())) {
            for (RingPosition position : keysFor(ring, key)) {
                for (NodeRef start : ring.nodes()) {
                    int hops = walk(ring, byAddress, start, position, (at, toward) -> at.nextHop(toward, view));
                    if (view == ring) {
                        assertThat(hops).as("hops from %s toward %s with a fresh view", start, position).isLessThanOrEqualTo(1);
                    }
                }
            }
        }
    }

    private static Map<String, Neighborhood> byAddress(Ring ring) {
        Map<String, Neighborhood> byAddress = new HashMap<>();
        correctNeighborhoods(ring).forEach((node, neighborhood) -> byAddress.put(node.address(), neighborhood));
        return byAddress;
    }

    /**
     * Follows the hops {@code nextHop} chooses from {@code start} toward {@code position}: each
     * to another node, strictly closer before the key, no more than the ring has positions, ending
     * at the owner. Answers the number of hops.
     */
    private static int walk(Ring ring, Map<String, Neighborhood> byAddress, NodeRef start, RingPosition position,
                            BiFunction<Neighborhood, RingPosition, Optional<NodeRef>> nextHop) {
        NodeRef current = start;
        long distance = -1; // unsigned: farther than any position
        int hops = 0;
        Optional<NodeRef> next;
        while ((next = nextHop.apply(byAddress.get(current.address()), position)).isPresent()) {
            NodeRef hop = next.get();
            assertThat(hop.sameNodeAs(current)).as("a hop to itself from %s toward %s", current, position).isFalse();
            assertThat(Long.compareUnsigned(hop.id().distanceTo(position), distance))
                    .as("hop %d from %s to %s toward %s", hops + 1, current, hop, position)
                    .isNegative();
            distance = hop.id().distanceTo(position);
            current = hop;
            hops++;
            assertThat(hops).as("hops from %s toward %s", start, position).isLessThanOrEqualTo(ring.positionCount());
        }
        assertThat(current.address()).isEqualTo(ring.ownerOf(position).address());
        return hops;
    }

    @Property
    void eachPositionIsFoundByItsPredecessorAndItsSuccessor(@ForAll("rings") Ring ring) {
        correctNeighborhoods(ring).forEach((node, neighborhood) -> {
            for (NeighborView view : neighborhood.views()) {
                assertThat(neighborhood.viewAfter(view.predecessor().id())).isEqualTo(view);
                assertThat(neighborhood.viewBefore(view.successor())).contains(view);
            }
        });
    }

    @Property
    void mergingRunsKeepsWhatTheNodeOwnsAndLeavesNoPositionNextToAnotherOfItsOwn(@ForAll("rings") Ring ring,
                                                                               @ForAll("positions") RingPosition key) {
        correctNeighborhoods(ring).forEach((node, neighborhood) -> {
            Neighborhood merged = neighborhood.withRunsMerged();
            for (RingPosition position : keysFor(ring, key)) {
                assertThat(merged.owns(position)).isEqualTo(neighborhood.owns(position));
            }
            if (ring.size() > 1) {
                for (NeighborView view : merged.views()) {
                    assertThat(view.predecessor().sameNodeAs(node)).as("predecessor of %s", view).isFalse();
                    assertThat(view.successor().sameNodeAs(node)).as("successor of %s", view).isFalse();
                    assertThat(view.predecessor()).isEqualTo(ring.memberBefore(view.self().id()));
                }
            } else {
                assertThat(merged.views()).hasSize(1);
                assertThat(merged.views().getFirst().ownedRange().isWholeRing()).isTrue();
            }
        });
    }

    @Property
    void whenANodeFailsEachPositionItSucceededLinksToTheNextLivePositionAndOwnsUpToIt(@ForAll("rings") Ring ring,
                                                                                    @ForAll("positions") RingPosition key) {
        if (ring.size() < 2) {
            return;
        }
        NodeRef dead = ring.nodes().getLast();
        Ring after = ring.without(dead.id());
        correctNeighborhoods(ring).forEach((node, neighborhood) -> {
            if (node.equals(dead)) {
                return;
            }
            Map<NodeRef, NodeRef> replacements = new HashMap<>();
            for (NeighborView view : neighborhood.views()) {
                if (view.successor().sameNodeAs(dead)) {
                    replacements.put(view.self(), after.memberAfter(view.self().id()));
                }
            }
            Neighborhood relinked = neighborhood.withSuccessorsReplaced(dead, replacements);
            for (NeighborView view : relinked.views()) {
                assertThat(view.successor()).as("successor of %s", view.self()).isEqualTo(after.memberAfter(view.self().id()));
                if (!view.predecessor().sameNodeAs(dead)) {
                    assertThat(view.predecessor()).as("predecessor of %s", view.self()).isEqualTo(after.memberBefore(view.self().id()));
                }
            }
            for (RingPosition position : keysFor(ring, key)) {
                assertThat(relinked.owns(position)).isEqualTo(after.ownerOf(position).equals(node));
            }
        });
    }

    @Property
    void aNodeAloneOwnsEverythingAtEachOfItsPositions(@ForAll("rings") Ring ring, @ForAll("positions") RingPosition key) {
        NodeRef node = ring.nodes().getFirst();
        Neighborhood alone = Neighborhood.alone(node, ring.virtualPositionsOf(node.id()));
        assertThat(alone.isAlone()).isTrue();
        assertThat(alone.positions()).isEqualTo(ring.positionsOf(node.id()));
        assertThat(alone.owns(key)).isTrue();
        assertThat(alone.nextHop(key)).isEmpty();
        assertThat(alone.ownedRanges().stream().map(KeyRange::length).reduce(BigInteger.ZERO, BigInteger::add))
                .isEqualTo(BigInteger.TWO.pow(64));
        assertThat(alone.atId().self()).isEqualTo(node);
    }

    @Property
    void whileItsIdIsNotSplicedInTheFirstPositionStandsForTheNode(@ForAll("rings") Ring ring) {
        NodeRef node = ring.nodes().getFirst();
        List<RingPosition> virtual = ring.virtualPositionsOf(node.id());
        Assume.that(!virtual.isEmpty());
        NodeRef spliced = node.atPosition(virtual.getLast());
        Neighborhood joining = new Neighborhood(node, List.of(NeighborView.alone(spliced)));

        assertThat(joining.atId()).isEqualTo(NeighborView.alone(spliced));
    }
}
