package dht.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NeighborViewTest {

    private static RingPosition hex(String hex) {
        return RingPosition.parse(hex);
    }

    private static NodeRef node(String hexId) {
        return RingArbitraries.node(hex(hexId));
    }

    private static final NodeRef PRED = node("1000000000000000");
    private static final NodeRef SELF = node("5000000000000000");
    private static final NodeRef SUCC = node("c000000000000000");

    private static final NeighborView VIEW = new NeighborView(SELF, PRED, SUCC);

    @Test
    void ownsFromItselfUpToItsSuccessor() {
        assertThat(VIEW.ownedRange()).isEqualTo(KeyRange.of(SELF.id(), SUCC.id()));
        assertThat(VIEW.owns(SELF.id())).isTrue();
        assertThat(VIEW.owns(SUCC.id().previous())).isTrue();
    }

    @Test
    void doesNotOwnItsSuccessorsId() {
        assertThat(VIEW.owns(SUCC.id())).isFalse();
    }

    @Test
    void doesNotOwnKeysOfItsPredecessor() {
        assertThat(VIEW.owns(PRED.id())).isFalse();
        assertThat(VIEW.owns(SELF.id().previous())).isFalse();
    }

    @Test
    void nodeWithTheLargestIdOwnsAcrossZero() {
        NeighborView view = new NeighborView(SUCC, SELF, PRED);

        assertThat(view.owns(RingPosition.MAX)).isTrue();
        assertThat(view.owns(RingPosition.MIN)).isTrue();
        assertThat(view.owns(PRED.id().previous())).isTrue();
        assertThat(view.owns(PRED.id())).isFalse();
    }

    @Test
    void nodeAloneOwnsEverything() {
        NeighborView alone = NeighborView.alone(SELF);

        assertThat(nodeOf(alone).isAlone()).isTrue();
        assertThat(alone.ownedRange().isWholeRing()).isTrue();
        assertThat(alone.owns(RingPosition.MIN)).isTrue();
        assertThat(alone.owns(SELF.id().previous())).isTrue();
        assertThat(alone.owns(RingPosition.MAX)).isTrue();
    }

    @Test
    void nodeAloneNeverForwards() {
        NeighborView alone = NeighborView.alone(SELF);

        assertThat(nodeOf(alone).nextHop(RingPosition.MIN)).isEmpty();
        assertThat(nodeOf(alone).nextHop(RingPosition.MAX)).isEmpty();
    }

    @Test
    void nodeWithNeighborsIsNotAlone() {
        assertThat(nodeOf(VIEW).isAlone()).isFalse();
    }

    @Test
    void nextHopIsEmptyForAnOwnedKey() {
        assertThat(nodeOf(VIEW).nextHop(hex("6000000000000000"))).isEmpty();
    }

    @Test
    void keyBeyondTheSuccessorIsForwardedToTheSuccessor() {
        assertThat(nodeOf(VIEW).nextHop(SUCC.id())).contains(SUCC);
        assertThat(nodeOf(VIEW).nextHop(RingPosition.MAX)).contains(SUCC);
        assertThat(nodeOf(VIEW).nextHop(hex("0800000000000000"))).contains(SUCC);
    }

    @Test
    void keyOfThePredecessorIsForwardedToThePredecessor() {
        assertThat(nodeOf(VIEW).nextHop(PRED.id())).contains(PRED);
        assertThat(nodeOf(VIEW).nextHop(SELF.id().previous())).contains(PRED);
    }

    @Test
    void inARingOfTwoEveryForeignKeyGoesToTheOtherNode() {
        NeighborView view = new NeighborView(SELF, SUCC, SUCC);

        assertThat(nodeOf(view).nextHop(SUCC.id())).contains(SUCC);
        assertThat(nodeOf(view).nextHop(SELF.id().previous())).contains(SUCC);
        assertThat(nodeOf(view).nextHop(RingPosition.MIN)).contains(SUCC);
    }

    @Test
    void replacingThePredecessorKeepsTheRest() {
        NodeRef other = node("2000000000000000");

        assertThat(VIEW.withPredecessor(other)).isEqualTo(new NeighborView(SELF, other, SUCC));
    }

    @Test
    void replacingTheSuccessorKeepsTheRestAndMovesTheOwnedRange() {
        NodeRef other = node("8000000000000000");

        NeighborView view = VIEW.withSuccessor(other);

        assertThat(view).isEqualTo(new NeighborView(SELF, PRED, other));
        assertThat(view.ownedRange()).isEqualTo(KeyRange.of(SELF.id(), other.id()));
    }

    @Test
    void nodeAloneTakingASuccessorIsNoLongerAlone() {
        NeighborView view = NeighborView.alone(SELF).withSuccessor(SUCC).withPredecessor(SUCC);

        assertThat(nodeOf(view).isAlone()).isFalse();
        assertThat(view.owns(SUCC.id())).isFalse();
    }

    @Test
    void refusesMissingNodes() {
        assertThatThrownBy(() -> new NeighborView(null, PRED, SUCC)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new NeighborView(SELF, null, SUCC)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new NeighborView(SELF, PRED, null)).isInstanceOf(NullPointerException.class);
    }

    /** The node whose only position this view is. */
    private static Neighborhood nodeOf(NeighborView view) {
        return new Neighborhood(view.self(), List.of(view));
    }
}
