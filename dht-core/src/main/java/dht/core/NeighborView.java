package dht.core;

import java.util.Objects;
import java.util.Optional;

/**
 * What a node knows of the ring around it: itself, its predecessor and its successor. It owns
 * {@code [self, successor)}; for any other key it names the known node closest before the key, so
 * that each forward moves strictly clockwise toward the owner and a request cannot circle.
 */
public record NeighborView(NodeRef self, NodeRef predecessor, NodeRef successor) {

    public NeighborView {
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(predecessor, "predecessor");
        Objects.requireNonNull(successor, "successor");
    }

    /** A node that is the whole ring. */
    public static NeighborView alone(NodeRef self) {
        return new NeighborView(self, self, self);
    }

    public NeighborView withPredecessor(NodeRef node) {
        return new NeighborView(self, node, successor);
    }

    public NeighborView withSuccessor(NodeRef node) {
        return new NeighborView(self, predecessor, node);
    }

    public boolean isAlone() {
        return successor.equals(self) && predecessor.equals(self);
    }

    public KeyRange ownedRange() {
        return KeyRange.of(self.id(), successor.id());
    }

    public boolean owns(RingPosition position) {
        return ownedRange().contains(position);
    }

    /** The known ring: this node and its neighbors. */
    public Ring ring() {
        return Ring.empty().with(self).with(predecessor).with(successor);
    }

    /** Empty when this node owns {@code position}; else the node to forward to. */
    public Optional<NodeRef> nextHop(RingPosition position) {
        if (owns(position)) {
            return Optional.empty();
        }
        return Optional.of(ring().ownerOf(position));
    }
}
