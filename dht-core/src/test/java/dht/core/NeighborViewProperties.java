package dht.core;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class NeighborViewProperties {

    @Provide
    Arbitrary<Ring> rings() {
        return RingArbitraries.rings(1, 30);
    }

    @Provide
    Arbitrary<RingPosition> positions() {
        return RingArbitraries.positions();
    }

    /** The view each node of {@code ring} has when its neighbor references are correct. */
    private static Map<NodeRef, NeighborView> correctViews(Ring ring) {
        return ring.nodes().stream().collect(Collectors.toMap(Function.identity(), node ->
                new NeighborView(node, ring.predecessorOf(node.id()), ring.successorOf(node.id()))));
    }

    /** A key anywhere, at a node's ID or right before one, where routing mistakes show. */
    private static List<RingPosition> keysFor(Ring ring, RingPosition key) {
        NodeRef near = ring.ownerOf(key);
        return List.of(key, near.id(), near.id().previous(), ring.successorOf(key).id().previous());
    }

    @Property
    void nodeOwnsExactlyWhatTheRingGivesIt(@ForAll("rings") Ring ring, @ForAll("positions") RingPosition key) {
        for (NeighborView view : correctViews(ring).values()) {
            assertThat(view.ownedRange()).isEqualTo(ring.rangeOf(view.self().id()));
            for (RingPosition position : keysFor(ring, key)) {
                assertThat(view.owns(position)).isEqualTo(ring.ownerOf(position).equals(view.self()));
            }
        }
    }

    @Property
    void nextHopIsEmptyIffTheNodeOwnsTheKey(@ForAll("rings") Ring ring, @ForAll("positions") RingPosition key) {
        for (NeighborView view : correctViews(ring).values()) {
            for (RingPosition position : keysFor(ring, key)) {
                assertThat(nodeOf(view).nextHop(position).isEmpty()).isEqualTo(view.owns(position));
            }
        }
    }

    @Property
    void nextHopIsANeighbor(@ForAll("rings") Ring ring, @ForAll("positions") RingPosition key) {
        for (NeighborView view : correctViews(ring).values()) {
            nodeOf(view).nextHop(key).ifPresent(hop -> assertThat(hop).isIn(view.predecessor(), view.successor()));
        }
    }

    @Property
    void routingFromAnyNodeEndsAtTheOwnerMovingStrictlyCloserEachHop(@ForAll("rings") Ring ring,
                                                                    @ForAll("positions") RingPosition key) {
        Map<NodeRef, NeighborView> views = correctViews(ring);
        for (RingPosition position : keysFor(ring, key)) {
            for (NodeRef start : ring.nodes()) {
                NodeRef current = start;
                int hops = 0;
                Optional<NodeRef> next;
                while ((next = nodeOf(views.get(current)).nextHop(position)).isPresent()) {
                    NodeRef hop = next.get();
                    assertThat(Long.compareUnsigned(hop.id().distanceTo(position), current.id().distanceTo(position)))
                            .as("hop %d from %s to %s toward %s", hops + 1, current, hop, position)
                            .isNegative();
                    current = hop;
                    hops++;
                    assertThat(hops).as("hops from %s toward %s", start, position).isLessThan(ring.size());
                }

                assertThat(current).isEqualTo(ring.ownerOf(position));
            }
        }
    }

    /** The node whose only position this view is. */
    private static Neighborhood nodeOf(NeighborView view) {
        return new Neighborhood(view.self(), List.of(view));
    }
}
