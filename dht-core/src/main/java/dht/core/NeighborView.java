package dht.core;

import java.util.Objects;

/**
 * What a node knows of the ring around one of its positions: itself there, its predecessor and
 * its successor. It owns {@code [self, successor)}; {@link Neighborhood} routes over all of a
 * node's views.
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

    public KeyRange ownedRange() {
        return KeyRange.of(self.id(), successor.id());
    }

    public boolean owns(RingPosition position) {
        return ownedRange().contains(position);
    }
}
