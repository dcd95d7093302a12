package dht.core;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class FingerTableProperties {

    @Provide
    Arbitrary<List<NodeRef>> nodeLists() {
        return RingArbitraries.nodeLists(1, 40);
    }

    @Property
    void fingerRoutingReachesTheOwnerFromEveryNodeWithEachHopCloser(@ForAll("nodeLists") List<NodeRef> nodes,
                                                                  @ForAll("positions") RingPosition key) {
        Ring ring = Ring.of(nodes);
        for (NodeRef start : nodes) {
            List<NodeRef> path = route(ring, start, key, Set.of());
            assertThat(path.getLast()).isEqualTo(ring.ownerOf(key));
            for (int hop = 1; hop < path.size(); hop++) {
                assertThat(Long.compareUnsigned(path.get(hop).id().distanceTo(key), path.get(hop - 1).id().distanceTo(key)))
                        .as("hop %d of %s", hop, path).isNegative();
            }
            assertThat(new HashSet<>(path)).hasSize(path.size());
        }
    }

    @Property
    void anUnreachableNodeIsNeverChosenAndRoutingStillEndsBeforeTheKey(@ForAll("nodeLists") List<NodeRef> nodes,
                                                                      @ForAll("positions") RingPosition key,
                                                                      @ForAll @IntRange(max = 39) int down) {
        Ring ring = Ring.of(nodes);
        NodeRef unreachable = nodes.get(down % nodes.size());
        for (NodeRef start : nodes) {
            if (start.equals(unreachable)) {
                continue;
            }
            List<NodeRef> path = route(ring, start, key, Set.of(unreachable));
            assertThat(path).doesNotContain(unreachable);
            assertThat(path.getLast()).isEqualTo(ring.without(unreachable.id()).ownerOf(key));
        }
    }

    @Property
    void theTableHoldsEachOtherNodeAtMostOnceAndNeverItself(@ForAll("nodeLists") List<NodeRef> nodes) {
        Ring ring = Ring.of(nodes);
        for (NodeRef node : nodes) {
            FingerTable table = FingerTable.of(ring, node);
            assertThat(table.fingers()).doesNotContain(node).doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(Long.SIZE + 2);
            assertThat(ring.nodes()).containsAll(table.fingers());
        }
    }

    /** On IDs hashed from addresses, as nodes get them, a request crosses the ring in about ½·log2 N hops. */
    @Test
    void hashedRingsAreCrossedInLogarithmicallyManyHops() {
        for (int size : new int[] {2, 8, 32, 128, 512}) {
            Ring ring = Ring.of(IntStream.range(0, size)
                    .mapToObj(i -> NodeRef.of(RingPosition.ofAddress("10.0.0." + i + ":7000"), "10.0.0." + i + ":7000"))
                    .toList());
            long hops = 0;
            int maxHops = 0;
            int requests = 0;
            for (NodeRef start : ring.nodes()) {
                for (int k = 0; k < 20; k++) {
                    int path = route(ring, start, RingPosition.ofKey("key-" + start.id() + "-" + k), Set.of()).size() - 1;
                    hops += path;
                    maxHops = Math.max(maxHops, path);
                    requests++;
                }
            }
            double log2 = Math.log(size) / Math.log(2);
            assertThat((double) hops / requests).as("mean hops on %d nodes", size).isLessThanOrEqualTo(0.5 * log2 + 1);
            assertThat(maxHops).as("most hops on %d nodes", size).isLessThanOrEqualTo(2 * (int) Math.ceil(log2) + 1);
        }
    }

    @Provide
    Arbitrary<RingPosition> positions() {
        return RingArbitraries.positions();
    }

    /** The nodes a request visits, each forwarding by its own finger table, from {@code start} to the node that keeps it. */
    private static List<NodeRef> route(Ring ring, NodeRef start, RingPosition key, Set<NodeRef> unreachable) {
        List<NodeRef> path = new ArrayList<>(List.of(start));
        NodeRef at = start;
        Ring reachable = unreachable.stream().map(NodeRef::id).reduce(ring, Ring::without, (a, b) -> a);
        while (!reachable.ownerOf(key).equals(at)) {
            Optional<NodeRef> next = FingerTable.of(ring, at).nextHop(key, unreachable);
            assertThat(next).as("a hop from %s toward %s", at, key).isPresent();
            at = next.get();
            path.add(at);
            assertThat(path.size()).as("path %s", path).isLessThanOrEqualTo(ring.size());
        }
        return path;
    }
}
