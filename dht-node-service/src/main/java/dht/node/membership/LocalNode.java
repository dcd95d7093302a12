package dht.node.membership;

import dht.core.FingerTable;
import dht.core.NeighborView;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.node.observability.RingEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * This node's place in the ring: its neighbors and its state. Local reads and writes of owned
 * keys run under the shared side of one lock and ownership changes under the exclusive side, so
 * that no write lands in a range after it was handed away.
 */
@Component
public class LocalNode {

    private static final Logger log = LoggerFactory.getLogger(LocalNode.class);

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final RingView ringView;
    private final ApplicationEventPublisher events;
    private volatile NeighborView view;
    private volatile NodeState state = NodeState.STARTING;
    private final AtomicLong changes = new AtomicLong();

    public LocalNode(RingView ringView, ApplicationEventPublisher events) {
        this.ringView = ringView;
        this.events = events;
    }

    /** The neighbors, once the node knows its own ID. */
    public Optional<NeighborView> view() {
        return Optional.ofNullable(view);
    }

    public NodeState state() {
        return state;
    }

    /**
     * How many times the neighbors or the state changed: work done for one count is stale under
     * another, even where the range looks the same (a node removed and joined again).
     */
    public long changes() {
        return changes.get();
    }

    public Optional<NodeRef> self() {
        return view().map(NeighborView::self);
    }

    public RingPosition id() {
        return view().map(v -> v.self().id()).orElseThrow(() -> new IllegalStateException("the node has no ID yet"));
    }

    /**
     * Where a key is served from: here when this node owns it, else the next hop: its owner as the
     * ring view knows it, or the closest known neighbor, whichever lies closer before the key, so
     * that every hop moves strictly toward the key. A leaving node owns nothing and sends its former
     * range to its predecessor, which took it over.
     */
    public Route route(RingPosition position) {
        NeighborView current = view;
        NodeState now = state;
        if (current == null || now == NodeState.STARTING || now == NodeState.JOINING) {
            return Route.NOT_IN_RING;
        }
        if (current.owns(position)) {
            if (now.ownsRange()) {
                return Route.local(current.self());
            }
            return current.predecessor().equals(current.self()) ? Route.NOT_IN_RING : Route.forward(current.predecessor());
        }
        NodeRef neighbor = current.nextHop(position).orElseThrow();
        return Route.forward(closerToKey(ownerInView(position, current.self()), neighbor, position));
    }

    /**
     * The next hop when the ring view's candidate {@code failed} cannot be reached: the closest
     * finger before the key ({@link FingerTable}, over the ring view and the neighbors, which are
     * always known), so that a request is never walked around the ring one neighbor at a time.
     */
    public Optional<NodeRef> fallback(RingPosition position, NodeRef failed) {
        NeighborView current = view;
        if (current == null || current.owns(position)) {
            return Optional.empty();
        }
        Ring known = ringView.ring();
        for (NodeRef neighbor : List.of(current.successor(), current.predecessor())) {
            if (!known.contains(neighbor.id())) {
                known = known.with(neighbor);
            }
        }
        return FingerTable.of(known, current.self()).nextHop(position, Set.of(failed));
    }

    private NodeRef ownerInView(RingPosition position, NodeRef self) {
        Ring known = ringView.ring().without(self.id());
        return known.isEmpty() ? null : known.ownerOf(position);
    }

    private static NodeRef closerToKey(NodeRef candidate, NodeRef neighbor, RingPosition position) {
        if (candidate == null) {
            return neighbor;
        }
        return Long.compareUnsigned(candidate.id().distanceTo(position), neighbor.id().distanceTo(position)) < 0
                ? candidate : neighbor;
    }

    /** Runs {@code action} while ownership cannot change. */
    public <T> T whileOwnershipHeld(Supplier<T> action) {
        Lock shared = lock.readLock();
        shared.lock();
        try {
            return action.get();
        } finally {
            shared.unlock();
        }
    }

    /** Changes neighbors and state together, waiting for local reads and writes in flight. */
    public <T> T changeOwnership(Supplier<T> change) {
        Lock exclusive = lock.writeLock();
        exclusive.lock();
        try {
            return change.get();
        } finally {
            exclusive.unlock();
        }
    }

    /** Sets the view and state; call inside {@link #changeOwnership} when ownership moves. */
    public void update(NeighborView next, NodeState nextState) {
        NeighborView previous = view;
        NodeState previousState = state;
        view = next;
        state = nextState;
        if (previous != null && !next.predecessor().equals(previous.predecessor())) {
            events.publishEvent(RingEvent.about("predecessor-changed", next.predecessor()));
        }
        if (previous != null && !next.successor().equals(previous.successor())) {
            events.publishEvent(RingEvent.about("successor-changed", next.successor()));
        }
        if (!next.equals(previous) || nextState != previousState) {
            changes.incrementAndGet();
            log.info("{} is {}: predecessor {}, successor {}, owns {}", next.self(), nextState,
                    next.predecessor(), next.successor(), nextState.ownsRange() ? next.ownedRange() : "nothing");
        }
    }

    public void update(NodeState nextState) {
        update(view, nextState);
    }

    /** Where a request goes next: served here, forwarded to {@code target}, or nowhere yet. */
    public record Route(NodeRef target, boolean local) {

        static final Route NOT_IN_RING = new Route(null, false);

        static Route local(NodeRef self) {
            return new Route(self, true);
        }

        static Route forward(NodeRef next) {
            return new Route(next, false);
        }

        public boolean inRing() {
            return target != null;
        }
    }
}
