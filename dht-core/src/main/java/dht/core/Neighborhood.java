package dht.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a node knows of the ring around each of its positions: one {@link NeighborView} per
 * position, whose {@code self} is the node's address at that position. Without virtual nodes
 * there is one, at the node's ID; while a node with virtual nodes joins, there is one per position
 * spliced in so far. Each position owns {@code [position, successor)} and joins,
 * hands over and fails over on its own, exactly as a node of one position does; a position's
 * neighbors may be the node's own other positions.
 */
public record Neighborhood(NodeRef node, List<NeighborView> views) {

    public Neighborhood {
        Objects.requireNonNull(node, "node");
        views = views.stream().sorted(Comparator.comparing((NeighborView view) -> view.self().id())).toList();
        if (views.isEmpty()) {
            throw new IllegalArgumentException("a node stands at one position at least");
        }
        if (views.stream().anyMatch(view -> !view.self().sameNodeAs(node))) {
            throw new IllegalArgumentException("a view of another node among " + views);
        }
        if (views.stream().map(view -> view.self().id()).distinct().count() != views.size()) {
            throw new IllegalArgumentException("two views of one position among " + views);
        }
    }

    /** A node that is the whole ring, standing at its ID and at {@code virtualPositions}. */
    public static Neighborhood alone(NodeRef node, Collection<RingPosition> virtualPositions) {
        TreeSet<RingPosition> positions = new TreeSet<>(virtualPositions);
        positions.add(node.id());
        List<NeighborView> views = new ArrayList<>();
        for (RingPosition position : positions) {
            RingPosition before = Objects.requireNonNullElse(positions.lower(position), positions.last());
            RingPosition after = Objects.requireNonNullElse(positions.higher(position), positions.first());
            views.add(new NeighborView(node.atPosition(position), node.atPosition(before), node.atPosition(after)));
        }
        return new Neighborhood(node, views);
    }

    /** The positions, in ring order. */
    public List<RingPosition> positions() {
        return views.stream().map(view -> view.self().id()).toList();
    }

    /** The positions besides the ID, in ring order. */
    public List<RingPosition> virtualPositions() {
        return positions().stream().filter(position -> !position.equals(node.id())).toList();
    }

    /** Whether every neighbor of every position is this node itself: it is the whole ring. */
    public boolean isAlone() {
        return views.stream().allMatch(view -> view.predecessor().sameNodeAs(node) && view.successor().sameNodeAs(node));
    }

    public boolean owns(RingPosition position) {
        return viewOwning(position).isPresent();
    }

    /** The view of the position whose range holds {@code position}, if this node owns it. */
    public Optional<NeighborView> viewOwning(RingPosition position) {
        return views.stream().filter(view -> view.owns(position)).findFirst();
    }

    /** The ranges owned, one per position, in ring order. */
    public List<KeyRange> ownedRanges() {
        return views.stream().map(NeighborView::ownedRange).toList();
    }

    /**
     * The view at the node's ID, what a node of one position has; while a node with virtual nodes
     * joins, its ID's position may not be spliced in yet, and the first one spliced stands in.
     */
    public NeighborView atId() {
        return viewAt(node.id()).orElse(views.getFirst());
    }

    /** The view of the position {@code position}, if this node stands there. */
    public Optional<NeighborView> viewAt(RingPosition position) {
        return views.stream().filter(view -> view.self().id().equals(position)).findFirst();
    }

    /** The view of the position that {@code member} is the successor of, if one is. */
    public Optional<NeighborView> viewBefore(NodeRef member) {
        return views.stream().filter(view -> view.successor().equals(member)).findFirst();
    }

    /**
     * The view of the first position clockwise after {@code position}: the one a node at
     * {@code position} precedes when nothing stands between them.
     */
    public NeighborView viewAfter(RingPosition position) {
        return views.stream()
                // a distance of 0 counts as a whole turn: the position itself is not after itself
                .min(Comparator.comparing((NeighborView view) -> position.distanceTo(view.self().id()) - 1, Long::compareUnsigned))
                .orElseThrow();
    }

    /** This neighborhood with {@code view} in place of the one at its position. */
    public Neighborhood with(NeighborView view) {
        List<NeighborView> next = new ArrayList<>(views.stream().filter(v -> !v.self().id().equals(view.self().id())).toList());
        next.add(view);
        return new Neighborhood(node, next);
    }

    /**
     * This neighborhood with each run of this node's positions that follow one another merged into
     * the run's first position, which then owns the run's ranges: what a leaving node hands over,
     * so that every range goes to another node.
     */
    public Neighborhood withRunsMerged() {
        TreeMap<RingPosition, NeighborView> byPosition = new TreeMap<>();
        views.forEach(view -> byPosition.put(view.self().id(), view));
        boolean merged = true;
        while (merged && byPosition.size() > 1) {
            merged = false;
            for (NeighborView view : byPosition.values()) {
                NeighborView before = view.predecessor().sameNodeAs(node) ? byPosition.get(view.predecessor().id()) : null;
                if (before == null || before.equals(view)) {
                    continue;
                }
                byPosition.remove(view.self().id());
                byPosition.put(before.self().id(), view.successor().equals(before.self())
                        ? NeighborView.alone(before.self()) : before.withSuccessor(view.successor()));
                NeighborView after = view.successor().sameNodeAs(node) ? byPosition.get(view.successor().id()) : null;
                if (after != null && !after.self().equals(before.self())) {
                    byPosition.put(after.self().id(), after.withPredecessor(before.self()));
                }
                merged = true;
                break;
            }
        }
        return new Neighborhood(node, List.copyOf(byPosition.values()));
    }

    /**
     * This neighborhood once the node of {@code dead} is gone: each position whose successor
     * stood on it links to its replacement in {@code replacements} (by position), and where the
     * replacement is another of this node's positions, that one links back to it.
     */
    public Neighborhood withSuccessorsReplaced(NodeRef dead, Map<NodeRef, NodeRef> replacements) {
        Neighborhood current = this;
        for (RingPosition position : positions()) {
            // the view as relinked so far: an earlier one may have set its predecessor
            NeighborView view = current.viewAt(position).orElseThrow();
            NodeRef replacement = replacements.get(view.self());
            if (replacement == null || !view.successor().sameNodeAs(dead)) {
                continue;
            }
            current = current.with(replacement.equals(view.self()) ? NeighborView.alone(view.self()) : view.withSuccessor(replacement));
            if (!replacement.equals(view.self()) && replacement.sameNodeAs(node)) {
                NeighborView own = current.viewAt(replacement.id()).orElseThrow(
                        () -> new IllegalArgumentException(replacement + " is not a position of " + node));
                current = current.with(own.withPredecessor(view.self()));
            }
        }
        return current;
    }

    /**
     * Empty when this node owns {@code position}; else the known member (a position or one of its
     * neighbors) closest before it, so that each forward moves strictly clockwise toward the owner.
     */
    public Optional<NodeRef> nextHop(RingPosition position) {
        if (owns(position)) {
            return Optional.empty();
        }
        return views.stream()
                .flatMap(view -> Stream.of(view.self(), view.predecessor(), view.successor()))
                .min(Comparator.comparing((NodeRef member) -> member.id().distanceTo(position), Long::compareUnsigned));
    }

    /**
     * Where a key this node does not own goes next (empty when it owns it): the owner its view of
     * the whole ring names, or its own closest known member, whichever lies closer before the key,
     * so that every hop moves strictly toward the key even when the view is stale. A view that
     * names this node itself as the owner is behind: its own neighbors know better.
     */
    public Optional<NodeRef> nextHop(RingPosition position, Ring view) {
        Optional<NodeRef> known = nextHop(position);
        if (known.isEmpty() || view.isEmpty()) {
            return known;
        }
        NodeRef named = view.memberOwning(position);
        if (named.sameNodeAs(node)) {
            return known;
        }
        return Long.compareUnsigned(named.id().distanceTo(position), known.get().id().distanceTo(position)) < 0
                ? Optional.of(named) : known;
    }

    /**
     * The next hop when {@code failed} cannot be reached: the closest finger before the key
     * ({@link FingerTable}, over the view and this node's neighbors, which are always known), so that
     * a request is never walked around the ring one neighbor at a time. Empty when this node owns
     * the key or no finger lies closer.
     */
    public Optional<NodeRef> fallbackHop(RingPosition position, Ring view, NodeRef failed) {
        if (owns(position)) {
            return Optional.empty();
        }
        Ring known = view;
        for (NeighborView neighbors : views) {
            for (NodeRef neighbor : List.of(neighbors.successor(), neighbors.predecessor())) {
                if (known.nodeAt(neighbor.id()).isEmpty()) {
                    known = known.with(neighbor);
                }
            }
        }
        return FingerTable.of(known, node).nextHop(position, Set.of(failed));
    }
}
