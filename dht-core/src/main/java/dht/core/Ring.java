package dht.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An immutable snapshot of the ring: nodes sorted by ID. Each node owns the keys from its own ID up
 * to, not including, the ID of its successor (the next larger ID, wrapping past the largest to the
 * smallest); a ring of one node owns everything. Changes build a new snapshot, so a reader never
 * sees a ring half changed.
 */
public final class Ring {

    private static final Ring EMPTY = new Ring(new TreeMap<>());

    private final NavigableMap<RingPosition, NodeRef> nodes;

    private Ring(NavigableMap<RingPosition, NodeRef> nodes) {
        this.nodes = Collections.unmodifiableNavigableMap(nodes);
    }

    public static Ring empty() {
        return EMPTY;
    }

    public static Ring of(NodeRef... nodes) {
        return of(List.of(nodes));
    }

    /** A ring of these nodes; two nodes with one ID are refused. */
    public static Ring of(Collection<NodeRef> nodes) {
        Ring ring = EMPTY;
        for (NodeRef node : nodes) {
            ring = ring.with(node);
        }
        return ring;
    }

    /**
     * This ring with {@code node} added (the same ring if it is already there). Another node's ID
     * is refused: two live nodes never share one.
     */
    public Ring with(NodeRef node) {
        Objects.requireNonNull(node, "node");
        NodeRef present = nodes.get(node.id());
        if (present != null) {
            if (present.equals(node)) {
                return this;
            }
            throw new DuplicateNodeIdException(node, present);
        }
        TreeMap<RingPosition, NodeRef> next = new TreeMap<>(nodes);
        next.put(node.id(), node);
        return new Ring(next);
    }

    /** This ring without the node of that ID (the same ring if there is none). */
    public Ring without(RingPosition id) {
        if (!nodes.containsKey(id)) {
            return this;
        }
        TreeMap<RingPosition, NodeRef> next = new TreeMap<>(nodes);
        next.remove(id);
        return new Ring(next);
    }

    public boolean isEmpty() {
        return nodes.isEmpty();
    }

    public int size() {
        return nodes.size();
    }

    public boolean contains(RingPosition id) {
        return nodes.containsKey(id);
    }

    public Optional<NodeRef> node(RingPosition id) {
        return Optional.ofNullable(nodes.get(id));
    }

    /** The nodes in ID order. */
    public List<NodeRef> nodes() {
        return List.copyOf(nodes.values());
    }

    /** The node owning {@code position}: the one with the largest ID not above it, wrapping. */
    public NodeRef ownerOf(RingPosition position) {
        requireNonEmpty();
        Map.Entry<RingPosition, NodeRef> floor = nodes.floorEntry(position);
        return floor != null ? floor.getValue() : nodes.lastEntry().getValue();
    }

    public NodeRef ownerOfKey(String key) {
        return ownerOf(RingPosition.ofKey(key));
    }

    /** The next node clockwise after {@code position}; in a ring of one, that node itself. */
    public NodeRef successorOf(RingPosition position) {
        requireNonEmpty();
        Map.Entry<RingPosition, NodeRef> higher = nodes.higherEntry(position);
        return higher != null ? higher.getValue() : nodes.firstEntry().getValue();
    }

    /** The next node counter-clockwise before {@code position}; in a ring of one, that node itself. */
    public NodeRef predecessorOf(RingPosition position) {
        requireNonEmpty();
        Map.Entry<RingPosition, NodeRef> lower = nodes.lowerEntry(position);
        return lower != null ? lower.getValue() : nodes.lastEntry().getValue();
    }

    /** The keys that node {@code id} owns: from its ID up to its successor's. */
    public KeyRange rangeOf(RingPosition id) {
        if (!nodes.containsKey(id)) {
            throw new IllegalArgumentException("no node " + id + " in the ring");
        }
        return KeyRange.of(id, successorOf(id).id());
    }

    /**
     * The owner of {@code position} and the {@code count - 1} distinct nodes before it,
     * counter-clockwise: since a node owns the keys up to its successor, those are the nodes that
     * take over the range, one after another, when owners fail.
     */
    public List<NodeRef> replicasOf(RingPosition position, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a key has at least one replica, asked for " + count);
        }
        requireNonEmpty();
        List<NodeRef> replicas = new ArrayList<>(Math.min(count, nodes.size()));
        NodeRef node = ownerOf(position);
        while (replicas.size() < Math.min(count, nodes.size())) {
            replicas.add(node);
            node = predecessorOf(node.id());
        }
        return List.copyOf(replicas);
    }

    private void requireNonEmpty() {
        if (nodes.isEmpty()) {
            throw new IllegalStateException("the ring has no nodes");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Ring ring && nodes.equals(ring.nodes);
    }

    @Override
    public int hashCode() {
        return nodes.hashCode();
    }

    @Override
    public String toString() {
        return "Ring" + nodes.values();
    }
}
