package dht.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RingTest {

    private static RingPosition hex(String hex) {
        return RingPosition.parse(hex);
    }

    private static NodeRef node(String hexId) {
        return RingArbitraries.node(hex(hexId));
    }

    private static final NodeRef A = node("1000000000000000");
    private static final NodeRef B = node("5000000000000000");
    private static final NodeRef C = node("c000000000000000");

    @Test
    void emptyRingHasNoOwner() {
        Ring empty = Ring.empty();

        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.size()).isZero();
        assertThatThrownBy(() -> empty.ownerOf(RingPosition.MIN)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> empty.successorOf(RingPosition.MIN)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> empty.predecessorOf(RingPosition.MIN)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> empty.replicasOf(RingPosition.MIN, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void ringOfOneOwnsEverything() {
        Ring ring = Ring.of(B);

        assertThat(ring.ownerOf(RingPosition.MIN)).isEqualTo(B);
        assertThat(ring.ownerOf(B.id().previous())).isEqualTo(B);
        assertThat(ring.ownerOf(B.id())).isEqualTo(B);
        assertThat(ring.ownerOf(RingPosition.MAX)).isEqualTo(B);
    }

    @Test
    void ringOfOneGivesItsNodeTheWholeRing() {
        KeyRange range = Ring.of(B).rangeOf(B.id());

        assertThat(range.isWholeRing()).isTrue();
        assertThat(range.start()).isEqualTo(B.id());
    }

    @Test
    void ringOfOneIsItsOwnSuccessorAndPredecessor() {
        Ring ring = Ring.of(B);

        assertThat(ring.successorOf(B.id())).isEqualTo(B);
        assertThat(ring.predecessorOf(B.id())).isEqualTo(B);
    }

    @Test
    void ringOfTwoSplitsAtBothIds() {
        Ring ring = Ring.of(A, C);

        assertThat(ring.rangeOf(A.id())).isEqualTo(KeyRange.of(A.id(), C.id()));
        assertThat(ring.rangeOf(C.id())).isEqualTo(KeyRange.of(C.id(), A.id()));
        assertThat(ring.ownerOf(C.id().previous())).isEqualTo(A);
        assertThat(ring.ownerOf(A.id().previous())).isEqualTo(C);
        assertThat(ring.ownerOf(RingPosition.MAX)).isEqualTo(C);
        assertThat(ring.ownerOf(RingPosition.MIN)).isEqualTo(C);
    }

    @Test
    void ringOfTwoNodesAreEachOthersSuccessorAndPredecessor() {
        Ring ring = Ring.of(A, C);

        assertThat(ring.successorOf(A.id())).isEqualTo(C);
        assertThat(ring.predecessorOf(A.id())).isEqualTo(C);
        assertThat(ring.successorOf(C.id())).isEqualTo(A);
        assertThat(ring.predecessorOf(C.id())).isEqualTo(A);
    }

    @Test
    void nodeOwnsAKeyBetweenItsIdAndItsSuccessorsAsInTheSeedDesign() {
        NodeRef c3f22a = node("c3f22a0000000000");
        NodeRef de1a67 = node("de1a670000000000");
        Ring ring = Ring.of(node("0a00000000000000"), c3f22a, de1a67);

        assertThat(ring.ownerOf(hex("cd1a350000000000"))).isEqualTo(c3f22a);
    }

    @Test
    void keyEqualToNodeIdBelongsToThatNode() {
        Ring ring = Ring.of(A, B, C);

        assertThat(ring.ownerOf(A.id())).isEqualTo(A);
        assertThat(ring.ownerOf(B.id())).isEqualTo(B);
        assertThat(ring.ownerOf(C.id())).isEqualTo(C);
    }

    @Test
    void keyJustBeforeNodeIdBelongsToThePreviousNode() {
        Ring ring = Ring.of(A, B, C);

        assertThat(ring.ownerOf(B.id().previous())).isEqualTo(A);
        assertThat(ring.ownerOf(C.id().previous())).isEqualTo(B);
    }

    @Test
    void keysBelowTheSmallestIdBelongToTheLargestId() {
        Ring ring = Ring.of(A, B, C);

        assertThat(ring.ownerOf(RingPosition.MIN)).isEqualTo(C);
        assertThat(ring.ownerOf(A.id().previous())).isEqualTo(C);
    }

    @Test
    void signedBoundaryIsNoBoundaryOnTheRing() {
        NodeRef belowHalf = node("7fffffffffffffff");
        NodeRef half = node("8000000000000000");
        Ring ring = Ring.of(A, belowHalf, half);

        assertThat(ring.nodes()).containsExactly(A, belowHalf, half);
        assertThat(ring.ownerOf(hex("7fffffffffffffff"))).isEqualTo(belowHalf);
        assertThat(ring.ownerOf(hex("8000000000000000"))).isEqualTo(half);
        assertThat(ring.ownerOf(RingPosition.MAX)).isEqualTo(half);
    }

    @Test
    void nodeAtZeroOwnsZero() {
        NodeRef zero = RingArbitraries.node(RingPosition.MIN);
        Ring ring = Ring.of(zero, B);

        assertThat(ring.ownerOf(RingPosition.MIN)).isEqualTo(zero);
        assertThat(ring.ownerOf(RingPosition.MAX)).isEqualTo(B);
        assertThat(ring.predecessorOf(zero.id())).isEqualTo(B);
    }

    @Test
    void nodeAtTheTopOwnsOnlyTheTopThenWrapsToZero() {
        NodeRef top = RingArbitraries.node(RingPosition.MAX);
        NodeRef zero = RingArbitraries.node(RingPosition.MIN);
        Ring ring = Ring.of(zero, top);

        assertThat(ring.ownerOf(RingPosition.MAX)).isEqualTo(top);
        assertThat(ring.ownerOf(hex("fffffffffffffffe"))).isEqualTo(zero);
        assertThat(ring.rangeOf(top.id())).isEqualTo(KeyRange.of(RingPosition.MAX, RingPosition.MIN));
        assertThat(ring.rangeOf(zero.id())).isEqualTo(KeyRange.of(RingPosition.MIN, RingPosition.MAX));
        assertThat(ring.successorOf(top.id())).isEqualTo(zero);
        assertThat(ring.predecessorOf(zero.id())).isEqualTo(top);
    }

    @Test
    void lonelyNodeAtTheTopOwnsZeroByWrapping() {
        NodeRef top = RingArbitraries.node(RingPosition.MAX);

        assertThat(Ring.of(top).ownerOf(RingPosition.MIN)).isEqualTo(top);
    }

    @Test
    void successorOfTheLargestIdWrapsToTheSmallest() {
        assertThat(Ring.of(A, B, C).successorOf(C.id())).isEqualTo(A);
        assertThat(Ring.of(A, B, C).successorOf(RingPosition.MAX)).isEqualTo(A);
    }

    @Test
    void predecessorOfTheSmallestIdWrapsToTheLargest() {
        assertThat(Ring.of(A, B, C).predecessorOf(A.id())).isEqualTo(C);
        assertThat(Ring.of(A, B, C).predecessorOf(RingPosition.MIN)).isEqualTo(C);
    }

    @Test
    void successorAndPredecessorOfAPositionBetweenNodesAreTheNodesAroundIt() {
        Ring ring = Ring.of(A, B, C);
        RingPosition between = hex("6000000000000000");

        assertThat(ring.successorOf(between)).isEqualTo(C);
        assertThat(ring.predecessorOf(between)).isEqualTo(B);
    }

    @Test
    void ownerOfKeyHashesTheKey() {
        Ring ring = Ring.of(A, B, C);

        assertThat(ring.ownerOfKey("hello")).isEqualTo(ring.ownerOf(RingPosition.ofKey("hello")));
        // "hello" hashes to 2cf24dba5fb0a30e, between A and B
        assertThat(ring.ownerOfKey("hello")).isEqualTo(A);
    }

    @Test
    void nodesAreListedInUnsignedIdOrder() {
        NodeRef top = RingArbitraries.node(RingPosition.MAX);

        assertThat(Ring.of(top, C, A, B).nodes()).containsExactly(A, B, C, top);
    }

    @Test
    void nodeListCannotBeChangedFromOutside() {
        List<NodeRef> nodes = Ring.of(A, B).nodes();

        assertThatThrownBy(() -> nodes.add(C)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void withLeavesTheOriginalRingUnchanged() {
        Ring ring = Ring.of(A, B);

        Ring grown = ring.with(C);

        assertThat(ring.nodes()).containsExactly(A, B);
        assertThat(grown.nodes()).containsExactly(A, B, C);
    }

    @Test
    void withoutLeavesTheOriginalRingUnchanged() {
        Ring ring = Ring.of(A, B, C);

        Ring shrunk = ring.without(B.id());

        assertThat(ring.nodes()).containsExactly(A, B, C);
        assertThat(shrunk.nodes()).containsExactly(A, C);
    }

    @Test
    void addingTheSameNodeAgainChangesNothing() {
        Ring ring = Ring.of(A, B);

        assertThat(ring.with(A)).isEqualTo(ring);
        assertThat(ring.with(NodeRef.of(A.id(), A.address())).size()).isEqualTo(2);
    }

    @Test
    void addingAnExistingIdUnderAnotherAddressIsRefused() {
        Ring ring = Ring.of(A, B);
        NodeRef impostor = NodeRef.of(A.id(), "elsewhere:9000");

        assertThatThrownBy(() -> ring.with(impostor))
                .isInstanceOf(DuplicateNodeIdException.class)
                .isInstanceOf(IllegalStateException.class)
                .satisfies(e -> {
                    DuplicateNodeIdException duplicate = (DuplicateNodeIdException) e;
                    assertThat(duplicate.requested()).isEqualTo(impostor);
                    assertThat(duplicate.present()).isEqualTo(A);
                })
                .hasMessageContaining(A.id().toString())
                .hasMessageContaining("elsewhere:9000")
                .hasMessageContaining(A.address());
    }

    @Test
    void buildingARingWithTwoNodesOfOneIdIsRefused() {
        NodeRef impostor = NodeRef.of(B.id(), "elsewhere:9000");

        assertThatThrownBy(() -> Ring.of(A, B, impostor)).isInstanceOf(DuplicateNodeIdException.class);
    }

    @Test
    void aNodeWhoseIdIsAnothersVirtualPositionIsRefused() {
        RingPosition virtual = new RingPosition(A.id().value() + 5);
        Ring ring = Ring.empty().with(A, List.of(virtual));
        NodeRef newcomer = NodeRef.of(virtual, "newcomer:9000");

        assertThatThrownBy(() -> ring.with(newcomer)).isInstanceOf(DuplicateNodeIdException.class)
                .satisfies(e -> assertThat(((DuplicateNodeIdException) e).present()).isEqualTo(A));
    }

    @Test
    void membersNameThePositionAndTheAddressOfItsNode() {
        RingPosition virtual = new RingPosition(A.id().value() + 5);
        Ring ring = Ring.empty().with(A, List.of(virtual)).with(B);

        assertThat(ring.memberOwning(new RingPosition(virtual.value() + 1))).isEqualTo(A.atPosition(virtual));
        assertThat(ring.memberAfter(A.id())).isEqualTo(A.atPosition(virtual));
        assertThat(ring.memberBefore(virtual)).isEqualTo(A);
        assertThat(ring.virtualPositionsOf(A.id())).containsExactly(virtual);
        assertThat(ring.virtualPositionsOf(B.id())).isEmpty();
        assertThat(ring.positionCount()).isEqualTo(3);
        assertThat(ring.without(A.id()).positionCount()).isEqualTo(1);
    }

    @Test
    void removingAnUnknownIdChangesNothing() {
        Ring ring = Ring.of(A, B);

        assertThat(ring.without(C.id())).isEqualTo(ring);
    }

    @Test
    void removingTheLastNodeLeavesTheEmptyRing() {
        assertThat(Ring.of(A).without(A.id())).isEqualTo(Ring.empty());
        assertThat(Ring.of(A).without(A.id()).isEmpty()).isTrue();
    }

    @Test
    void leavingNodeHandsItsKeysToItsPredecessor() {
        Ring ring = Ring.of(A, B, C);

        Ring after = ring.without(B.id());

        assertThat(after.ownerOf(B.id())).isEqualTo(A);
        assertThat(after.rangeOf(A.id())).isEqualTo(KeyRange.of(A.id(), C.id()));
    }

    @Test
    void rangeOfAnUnknownIdIsRefused() {
        assertThatThrownBy(() -> Ring.of(A, B).rangeOf(C.id())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lookupOfANodeById() {
        Ring ring = Ring.of(A, B);

        assertThat(ring.contains(A.id())).isTrue();
        assertThat(ring.contains(C.id())).isFalse();
        assertThat(ring.node(B.id())).contains(B);
        assertThat(ring.node(C.id())).isEmpty();
    }

    @Test
    void replicasAreTheOwnerThenItsPredecessors() {
        Ring ring = Ring.of(A, B, C);

        assertThat(ring.replicasOf(hex("6000000000000000"), 2)).containsExactly(B, A);
        assertThat(ring.replicasOf(hex("d000000000000000"), 3)).containsExactly(C, B, A);
    }

    @Test
    void replicasAreCappedByTheRingSize() {
        Ring ring = Ring.of(A, B);

        assertThat(ring.replicasOf(RingPosition.MIN, 5)).containsExactly(B, A);
        assertThat(Ring.of(A).replicasOf(RingPosition.MIN, 3)).containsExactly(A);
    }

    @Test
    void askingForFewerThanOneReplicaIsRefused() {
        assertThatThrownBy(() -> Ring.of(A).replicasOf(RingPosition.MIN, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ringsWithTheSameNodesAreEqualWhateverTheOrderOfAddition() {
        Ring one = Ring.empty().with(C).with(A).with(B);
        Ring other = Ring.of(A, B, C);

        assertThat(one).isEqualTo(other);
        assertThat(one.hashCode()).isEqualTo(other.hashCode());
    }

    @Test
    void ringsWithTheSameIdsUnderOtherAddressesDiffer() {
        assertThat(Ring.of(A)).isNotEqualTo(Ring.of(NodeRef.of(A.id(), "elsewhere:9000")));
    }

    @Test
    void nodeRefRefusesMissingParts() {
        assertThatThrownBy(() -> NodeRef.of(null, "a:1")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> NodeRef.of(RingPosition.MIN, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void nodeRefWritesAsIdAtAddress() {
        assertThat(NodeRef.of(RingPosition.MIN, "h:1")).hasToString("0000000000000000@h:1");
    }
}
