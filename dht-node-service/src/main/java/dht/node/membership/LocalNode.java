package dht.node.membership;

import dht.core.NeighborView;
import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.node.peer.Refusal;
import dht.node.telemetry.RingEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * This node's place in the ring: its neighbors at each of its positions, and its state. Local
 * reads and writes of owned keys run under the shared side of one lock and ownership changes under
 * the exclusive side, so that no write lands in a range after it was handed away.
 */
@Component
public class LocalNode {

    private static final Logger log = LoggerFactory.getLogger(LocalNode.class);

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final RingView ringView;
    private final ApplicationEventPublisher events;
    private volatile Neighborhood neighborhood;
    private volatile NodeState state = NodeState.STARTING;
    private final AtomicLong changes = new AtomicLong();

    public LocalNode(RingView ringView, ApplicationEventPublisher events) {
        this.ringView = ringView;
        this.events = events;
    }

    /** The neighbors at each position, once the node knows its own ID. */
    public Optional<Neighborhood> neighborhood() {
        return Optional.ofNullable(neighborhood);
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

    /**
     * This node's neighbors at {@code position}, or at its ID when none is given: what a node walking
     * the ring position after position asks. Refused while the node holds no place in the ring, and
     * where it stands at no such position (the walker's view of the ring is stale).
     */
    public NeighborView neighborsAt(RingPosition position) {
        NodeState current = state;
        Neighborhood placed = neighborhood().filter(neighbors -> current.ownsRange()).orElseThrow(() -> RingProblems.notInRing(current));
        if (position == null) {
            return placed.atId();
        }
        return placed.viewAt(position).orElseThrow(() -> Refusal.conflict("No such position",
                "This node stands at no position " + position + "."));
    }

    public Optional<NodeRef> self() {
        return neighborhood().map(Neighborhood::node);
    }

    public RingPosition id() {
        return self().map(NodeRef::id).orElseThrow(() -> new IllegalStateException("the node has no ID yet"));
    }

    /**
     * Where a key is served from: here when this node owns it, else the next hop: its owner as the
     * ring view knows it, or the closest known neighbor, whichever lies closer before the key, so
     * that every hop moves strictly toward the key. A leaving node owns nothing and sends its former
     * ranges to their predecessors, which took them over.
     */
    public Route route(RingPosition position) {
        Neighborhood current = neighborhood;
        NodeState now = state;
        if (current == null || now == NodeState.STARTING || now == NodeState.JOINING) {
            return Route.NOT_IN_RING;
        }
        Optional<NeighborView> owning = current.viewOwning(position);
        if (owning.isPresent()) {
            if (now.ownsRange()) {
                return Route.local(current.node());
            }
            NodeRef predecessor = owning.get().predecessor();
            return predecessor.sameNodeAs(current.node()) ? Route.NOT_IN_RING : Route.forward(predecessor);
        }
        return Route.forward(current.nextHop(position, ringView.ring()).orElseThrow());
    }

    /** Whether this node owns {@code position}, by its own neighbors: call while ownership is held. */
    public boolean owns(RingPosition position) {
        return route(position).local();
    }

    /** The next hop when the ring view's candidate {@code failed} cannot be reached (see {@link Neighborhood#fallbackHop}). */
    public Optional<NodeRef> fallback(RingPosition position, NodeRef failed) {
        Neighborhood current = neighborhood;
        return current == null ? Optional.empty() : current.fallbackHop(position, ringView.ring(), failed);
    }

    /** Whether the calling thread holds the ownership lock, shared or exclusive: nothing that waits on another node may run then. */
    public boolean ownershipHeldByCurrentThread() {
        return lock.getReadHoldCount() > 0 || lock.isWriteLockedByCurrentThread();
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

    /** Sets the neighbors and state; call inside {@link #changeOwnership} when ownership moves. */
    public void update(Neighborhood next, NodeState nextState) {
        Neighborhood previous = neighborhood;
        NodeState previousState = state;
        neighborhood = next;
        state = nextState;
        if (previous != null) {
            for (NeighborView view : next.views()) {
                previous.views().stream().filter(before -> before.self().equals(view.self())).findFirst().ifPresent(before -> {
                    if (!view.predecessor().equals(before.predecessor())) {
                        events.publishEvent(RingEvent.about("predecessor-changed", view.predecessor()));
                    }
                    if (!view.successor().equals(before.successor())) {
                        events.publishEvent(RingEvent.about("successor-changed", view.successor()));
                    }
                });
            }
        }
        if (!next.equals(previous) || nextState != previousState) {
            changes.incrementAndGet();
            for (NeighborView view : next.views()) {
                log.info("{} is {}: predecessor {}, successor {}, owns {}", view.self(), nextState,
                        view.predecessor(), view.successor(), nextState.ownsRange() ? view.ownedRange() : "nothing");
            }
        }
    }

    /** Sets one position's neighbors, the others' staying as they are. */
    public void update(NeighborView view, NodeState nextState) {
        update(neighborhood.with(view), nextState);
    }

    public void update(NodeState nextState) {
        update(neighborhood, nextState);
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
