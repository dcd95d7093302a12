package dht.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * An immutable snapshot of the ring: the nodes and their positions on it. Every node stands at its
 * own ID; with virtual nodes it stands at further positions too. Each position owns the keys from
 * it up to, not including, the next position (the next larger one, wrapping past the largest to the
 * smallest), and a node owns what its positions own; a ring of one node owns everything. Changes
 * build a new snapshot, so a reader never sees a ring half changed.
 */
public final class Ring {

    private static final Ring EMPTY = new Ring(new TreeMap<>(), new TreeMap<>());

    /** Every position and the node standing there. */
    private final NavigableMap<RingPosition, NodeRef> positions;
    /** Every node by its ID. */
    private final NavigableMap<RingPosition, NodeRef> nodes;

    private Ring(NavigableMap<RingPosition, NodeRef> positions, NavigableMap<RingPosition, NodeRef> nodes) {
        this.positions = Collections.unmodifiableNavigableMap(positions);
        this.nodes = Collections.unmodifiableNavigableMap(nodes);
    }

    public static Ring empty() {
        return EMPTY;
    }

    public static Ring of(NodeRef... nodes) {
        return of(List.of(nodes));
    }

    /** A ring of these nodes, each at its ID only; two nodes with one ID are refused. */
    public static Ring of(Collection<NodeRef> nodes) {
        Ring ring = EMPTY;
        for (NodeRef node : nodes) {
            ring = ring.with(node);
        }
        return ring;
    }

    /**
     * This ring with {@code node} added at its ID (the same ring if it is already there). Another
     * node's ID is refused: two live nodes never share one.
     */
    public Ring with(NodeRef node) {
        return with(node, List.of());
    }

    /**
     * This ring with {@code node} at its ID and at {@code virtualPositions} as well (the same ring
     * if it stands at exactly those already). A position another node holds is refused.
     */
    public Ring with(NodeRef node, Collection<RingPosition> virtualPositions) {
        Objects.requireNonNull(node, "node");
        NodeRef present = positions.get(node.id());
        if (present != null && !present.equals(node)) {
            throw new DuplicateNodeIdException(node, present);
        }
        TreeMap<RingPosition, NodeRef> nextPositions = new TreeMap<>(positions);
        TreeMap<RingPosition, NodeRef> nextNodes = new TreeMap<>(nodes);
        nextPositions.put(node.id(), node);
        nextNodes.put(node.id(), node);
        for (RingPosition position : virtualPositions) {
            NodeRef holder = nextPositions.putIfAbsent(position, node);
            if (holder != null && !holder.equals(node)) {
                throw new IllegalArgumentException("position " + position + " of " + node + " is held by " + holder);
            }
        }
        Ring next = new Ring(nextPositions, nextNodes);
        return next.equals(this) ? this : next;
    }

    /** This ring without the node of that ID, at any of its positions (the same ring if there is none). */
    public Ring without(RingPosition id) {
        NodeRef leaving = nodes.get(id);
        if (leaving == null) {
            return this;
        }
        TreeMap<RingPosition, NodeRef> nextPositions = new TreeMap<>(positions);
        nextPositions.values().removeIf(leaving::equals);
        TreeMap<RingPosition, NodeRef> nextNodes = new TreeMap<>(nodes);
        nextNodes.remove(id);
        return new Ring(nextPositions, nextNodes);
    }

    public boolean isEmpty() {
        return nodes.isEmpty();
    }

    /** How many nodes, whatever their number of positions. */
    public int size() {
        return nodes.size();
    }

    /** How many positions, IDs and virtual positions together. */
    public int positionCount() {
        return positions.size();
    }

    public boolean contains(RingPosition id) {
        return nodes.containsKey(id);
    }

    public Optional<NodeRef> node(RingPosition id) {
        return Optional.ofNullable(nodes.get(id));
    }

    /** The nodes in ID order, each once. */
    public List<NodeRef> nodes() {
        return List.copyOf(nodes.values());
    }

    /** The node standing exactly at {@code position}, at its ID or at a virtual position. */
    public Optional<NodeRef> nodeAt(RingPosition position) {
        return Optional.ofNullable(positions.get(position));
    }

    /** Where the node of that ID stands, in ring order: its ID and its virtual positions. */
    public List<RingPosition> positionsOf(RingPosition id) {
        NodeRef node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id + " in the ring");
        }
        return positions.entrySet().stream().filter(entry -> entry.getValue().equals(node)).map(Map.Entry::getKey).toList();
    }

    /** Where the node of that ID stands besides its ID, in ring order; empty without virtual nodes. */
    public List<RingPosition> virtualPositionsOf(RingPosition id) {
        return positionsOf(id).stream().filter(position -> !position.equals(id)).toList();
    }

    /** The node owning {@code position}: the one at the largest position not above it, wrapping. */
    public NodeRef ownerOf(RingPosition position) {
        return positionOwning(position).getValue();
    }

    /** The position owning {@code position}, as a member: that position and its node's address. */
    public NodeRef memberOwning(RingPosition position) {
        Map.Entry<RingPosition, NodeRef> owning = positionOwning(position);
        return owning.getValue().atPosition(owning.getKey());
    }

    /** The next position clockwise after {@code position}, as a member. */
    public NodeRef memberAfter(RingPosition position) {
        Map.Entry<RingPosition, NodeRef> next = nextPosition(position);
        return next.getValue().atPosition(next.getKey());
    }

    /** The next position counter-clockwise before {@code position}, as a member. */
    public NodeRef memberBefore(RingPosition position) {
        Map.Entry<RingPosition, NodeRef> previous = previousPosition(position);
        return previous.getValue().atPosition(previous.getKey());
    }

    public NodeRef ownerOfKey(String key) {
        return ownerOf(RingPosition.ofKey(key));
    }

    /** The node at the next position clockwise after {@code position}; in a ring of one node, that node itself. */
    public NodeRef successorOf(RingPosition position) {
        return nextPosition(position).getValue();
    }

    /** The node at the next position counter-clockwise before {@code position}; in a ring of one node, that node itself. */
    public NodeRef predecessorOf(RingPosition position) {
        return previousPosition(position).getValue();
    }

    /** The keys that the position of node {@code id} at its ID owns: from its ID up to the next position. */
    public KeyRange rangeOf(RingPosition id) {
        if (!nodes.containsKey(id)) {
            throw new IllegalArgumentException("no node " + id + " in the ring");
        }
        return KeyRange.of(id, nextPosition(id).getKey());
    }

    /**
     * Every position's range with the node standing there, in ring order: the whole ring in one
     * pass, where {@link #rangesOf} for each node would walk it once per node.
     */
    public List<Arc> arcs() {
        List<Arc> arcs = new ArrayList<>(positions.size());
        for (Map.Entry<RingPosition, NodeRef> position : positions.entrySet()) {
            arcs.add(new Arc(KeyRange.of(position.getKey(), nextPosition(position.getKey()).getKey()), position.getValue()));
        }
        return arcs;
    }

    /** A range of the ring and the node whose position starts it. */
    public record Arc(KeyRange range, NodeRef node) {
    }

    /** The keys that node {@code id} owns: one range per position, in ring order. */
    public List<KeyRange> rangesOf(RingPosition id) {
        return positionsOf(id).stream().map(position -> KeyRange.of(position, nextPosition(position).getKey())).toList();
    }

    /**
     * The owner of {@code position} and the {@code count - 1} distinct nodes before it,
     * counter-clockwise, position by position: since a position owns the keys up to the next one,
     * those are the nodes that take over the range, one after another, when owners fail.
     */
    public List<NodeRef> replicasOf(RingPosition position, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a key has at least one replica, asked for " + count);
        }
        requireNonEmpty();
        int wanted = Math.min(count, nodes.size());
        Set<NodeRef> replicas = new LinkedHashSet<>();
        RingPosition at = positionOwning(position).getKey();
        while (replicas.size() < wanted) {
            replicas.add(positions.get(at));
            at = previousPosition(at).getKey();
        }
        return List.copyOf(replicas);
    }

    private Map.Entry<RingPosition, NodeRef> positionOwning(RingPosition position) {
        requireNonEmpty();
        Map.Entry<RingPosition, NodeRef> floor = positions.floorEntry(position);
        return floor != null ? floor : positions.lastEntry();
    }

    private Map.Entry<RingPosition, NodeRef> nextPosition(RingPosition position) {
        requireNonEmpty();
        Map.Entry<RingPosition, NodeRef> higher = positions.higherEntry(position);
        return higher != null ? higher : positions.firstEntry();
    }

    private Map.Entry<RingPosition, NodeRef> previousPosition(RingPosition position) {
        requireNonEmpty();
        Map.Entry<RingPosition, NodeRef> lower = positions.lowerEntry(position);
        return lower != null ? lower : positions.lastEntry();
    }

    private void requireNonEmpty() {
        if (nodes.isEmpty()) {
            throw new IllegalStateException("the ring has no nodes");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Ring ring && positions.equals(ring.positions);
    }

    @Override
    public int hashCode() {
        return positions.hashCode();
    }

    @Override
    public String toString() {
        return "Ring" + nodes.values();
    }
}
