package dht.node.membership;

import dht.core.NeighborView;
import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.VirtualPositions;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class RingWalkTest {

    private static final int POSITIONS = 8;
    private static final NodeRef SELF = NodeRef.at("10.0.0.1:7000");
    private static final NodeRef SECOND = NodeRef.at("10.0.0.2:7000");
    /** Its ID pinned away from the hash of its address, as {@code dht.node-id} does. */
    private static final NodeRef THIRD = NodeRef.of(RingPosition.parse("7000000000000000"), "10.0.0.3:7000");
    private static final Ring RING = ringOf(SELF, SECOND, THIRD);

    private final PeerClient peers = mock(PeerClient.class);
    private final LocalNode node = new LocalNode(new RingView(event -> { }), event -> { });
    private final RingWalk walk = new RingWalk(peers, node);

    @Test
    void aWalkFromASeedFindsEveryNodeAtEveryPositionAndAsksEachNodeOfSeveralForItsIdOnce() {
        answerFrom(RING);

        Ring walked = walk.from(SECOND.address());

        assertThat(walked).isEqualTo(RING);
        assertThat(walked.positionsOf(THIRD.id())).hasSize(POSITIONS);
        verify(peers).neighborsAtId(THIRD.address());
    }

    @Test
    void thisNodesOwnPositionsAreReadFromItsNeighborhoodNotAskedOverTheWire() {
        answerFrom(RING);
        node.update(neighborhoodOf(RING, SELF), NodeState.JOINING);

        assertThat(walk.from(SECOND.address())).isEqualTo(RING);
        RING.positionsOf(SELF.id()).forEach(position -> verify(peers, never()).neighbors(SELF.atPosition(position)));
        verify(peers, never()).neighborsAtId(SELF.address());
    }

    @Test
    void aPositionOfThisNodeThatItNoLongerHoldsFailsTheWalkWithoutAskingItselfOverTheWire() {
        answerFrom(RING);
        List<NeighborView> views = neighborhoodOf(RING, SELF).views();
        // its join broke off and started over: the first splice of the new attempt is all it holds
        node.update(new Neighborhood(SELF, List.of(views.getLast())), NodeState.JOINING);

        assertThatThrownBy(() -> walk.from(SECOND.address())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no longer holds");
        verify(peers, never()).neighbors(argThat(position -> position.sameNodeAs(SELF)));
    }

    @Test
    void aPositionTheNodeNoLongerStandsAtFailsTheWalk() {
        answerFrom(RING);
        NodeRef gone = THIRD.atPosition(RING.virtualPositionsOf(THIRD.id()).getFirst());
        when(peers.neighbors(gone)).thenThrow(PeerFailure.refused(gone, PeerFailure.Reason.CONFLICT, "No such position"));

        assertThatThrownBy(() -> walk.from(SECOND.address())).isInstanceOf(PeerFailure.class);
    }

    @Test
    void aRingOfOnePositionPerNodeNeedsNoQuestionAboutIds() {
        Ring ring = Ring.of(SELF, SECOND, THIRD);
        answerFrom(ring);

        assertThat(walk.from(SECOND.address())).isEqualTo(ring);
        verify(peers).neighborsAtId(SECOND.address());
        verify(peers, never()).neighborsAtId(THIRD.address());
    }

    private static Ring ringOf(NodeRef... nodes) {
        Ring ring = Ring.empty();
        for (NodeRef joiner : nodes) {
            ring = ring.with(joiner, VirtualPositions.allocate(ring, joiner, POSITIONS));
        }
        return ring;
    }

    private void answerFrom(Ring ring) {
        when(peers.neighbors(any())).thenAnswer(call -> viewAt(ring, call.getArgument(0)));
        when(peers.neighborsAtId(anyString())).thenAnswer(call -> {
            NodeRef member = ring.nodes().stream().filter(n -> n.address().equals(call.getArgument(0))).findFirst().orElseThrow();
            return viewAt(ring, member);
        });
    }

    private static NeighborView viewAt(Ring ring, NodeRef member) {
        return new NeighborView(member, ring.memberBefore(member.id()), ring.memberAfter(member.id()));
    }

    private static Neighborhood neighborhoodOf(Ring ring, NodeRef member) {
        List<NeighborView> views = ring.positionsOf(member.id()).stream().map(position -> viewAt(ring, member.atPosition(position))).toList();
        return new Neighborhood(member, views);
    }
}
