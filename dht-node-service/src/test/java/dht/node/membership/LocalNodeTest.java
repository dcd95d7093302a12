package dht.node.membership;

import dht.core.FingerTable;
import dht.core.NeighborView;
import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.node.peer.PeerFailure;
import dht.node.peer.Refusal;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalNodeTest {

    private static final List<NodeRef> NODES = IntStream.range(0, 16)
            .mapToObj(i -> new NodeRef(new RingPosition((long) i << 58), "10.0.0." + i + ":7000"))
            .toList();
    private static final NodeRef SELF = NODES.getFirst();

    private final RingView ringView = new RingView(event -> { });
    private final LocalNode node = new LocalNode(ringView, event -> { });

    @Test
    void aStableRingViewSendsARequestStraightToTheOwner() {
        joined(Ring.of(NODES));
        RingPosition key = new RingPosition((11L << 58) + 5);

        assertThat(node.route(key).target()).isEqualTo(NODES.get(11));
    }

    @Test
    void whenTheOwnerCannotBeReachedTheRequestGoesToTheClosestFingerBeforeTheKeyNotToTheNeighbor() {
        joined(Ring.of(NODES));
        RingPosition key = new RingPosition((11L << 58) + 5);

        Optional<NodeRef> fallback = node.fallback(key, NODES.get(11));

        // the fingers of node 0 are nodes 1, 2, 4, 8 and 15: 8 lies closest before the key
        assertThat(fallback).contains(NODES.get(8));
        assertThat(fallback).isEqualTo(FingerTable.of(Ring.of(NODES), SELF).nextHop(key, Set.of(NODES.get(11))));
    }

    @Test
    void theNeighborsAreFingersEvenWhenTheRingViewHasNotHeardOfThem() {
        NodeRef successor = NODES.get(1);
        joined(Ring.of(SELF, NODES.get(5)));
        node.update(new Neighborhood(SELF, List.of(new NeighborView(SELF, NODES.get(5), successor))), NodeState.READY);
        RingPosition key = new RingPosition((5L << 58) + 1);

        assertThat(node.fallback(key, NODES.get(5))).contains(successor);
    }

    @Test
    void theOwnerHasNoFallback() {
        joined(Ring.of(NODES));

        assertThat(node.fallback(new RingPosition(1), NODES.get(1))).isEmpty();
    }

    @Test
    void aWalkerIsAnsweredAtTheIdOrAtAPositionTheNodeStandsAtAndRefusedElsewhere() {
        joined(Ring.of(NODES));

        assertThat(node.neighborsAt(null).self()).isEqualTo(SELF);
        assertThat(node.neighborsAt(SELF.id()).successor()).isEqualTo(NODES.get(1));
        assertThatThrownBy(() -> node.neighborsAt(NODES.get(3).id()))
                .isInstanceOfSatisfying(Refusal.class, refusal -> assertThat(refusal.reason()).isEqualTo(PeerFailure.Reason.CONFLICT));
    }

    @Test
    void aNodeNotInTheRingAnswersNoWalker() {
        node.update(new Neighborhood(SELF, List.of(NeighborView.alone(SELF))), NodeState.JOINING);

        assertThatThrownBy(() -> node.neighborsAt(null))
                .isInstanceOfSatisfying(Refusal.class, refusal -> assertThat(refusal.reason()).isEqualTo(PeerFailure.Reason.BUSY));
    }

    private void joined(Ring ring) {
        ringView.replace(ring);
        node.update(new Neighborhood(SELF, List.of(new NeighborView(SELF, NODES.getLast(), NODES.get(1)))), NodeState.READY);
    }
}
