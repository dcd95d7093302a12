package dht.node.membership;

import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.wire.Member;
import dht.node.telemetry.RingEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Every node of the ring as this node last heard of it: refreshed from the registry and updated
 * as neighbors join and leave. It may lag behind; routing only takes it where it moves a request
 * closer to the key, and falls back to the neighbors when it names a node that is gone.
 */
@Component
public class RingView {

    private static final Logger log = LoggerFactory.getLogger(RingView.class);

    private final AtomicReference<Ring> ring = new AtomicReference<>(Ring.empty());
    /** The members DOWN, each at its positions: out of the ring that owns and routes, not of where copies belong. */
    private final AtomicReference<Ring> down = new AtomicReference<>(Ring.empty());
    private final AtomicReference<Placement> placement = new AtomicReference<>();
    private final AtomicReference<RingWithSelf> ringWithSelf = new AtomicReference<>();
    /**
     * Members no longer DOWN that are not back in the ring yet (they join back at their positions):
     * when they are, that is {@code node-up}, not {@code node-joined}.
     */
    private final Set<RingPosition> returning = ConcurrentHashMap.newKeySet();
    private final ApplicationEventPublisher events;

    public RingView(ApplicationEventPublisher events) {
        this.events = events;
    }

    public Ring ring() {
        return ring.get();
    }

    public void replace(Ring next) {
        announce(ring.getAndSet(next), next);
    }

    /** The registry's ring: {@code live}, the members that own and route, and those {@code listedDown}. */
    public void replace(Ring live, List<Member> listedDown) {
        Ring nextDown = Ring.empty();
        for (Member member : listedDown) {
            if (!live.contains(member.id())) {
                nextDown = nextDown.with(member.ref(), member.virtualPositionsOrNone());
            }
        }
        Ring previousDown = down.getAndSet(nextDown);
        announce(ring.getAndSet(live), live);
        announceDown(previousDown, nextDown, live);
    }

    /** A member found DOWN here, before the registry's ring says so: it stays at its positions. */
    public void markDown(NodeRef node) {
        Ring current = ring.get();
        NodeRef member = current.node(node.id()).orElse(node);
        List<RingPosition> positions = current.contains(node.id()) ? current.virtualPositionsOf(node.id()) : List.of();
        Ring previousDown = down.get();
        if (previousDown.contains(member.id())) {
            return;
        }
        Ring nextDown;
        try {
            nextDown = previousDown.with(member, positions);
        } catch (IllegalArgumentException | IllegalStateException conflict) {
            log.debug("down view not changed: {}", conflict.getMessage());
            return;
        }
        down.set(nextDown);
        ring.updateAndGet(view -> view.without(member.id()));
        announceDown(previousDown, nextDown, ring.get());
    }

    /**
     * Every member at its positions, the DOWN ones included, this node at the positions of
     * {@code self}: where each key's copies belong.
     */
    public Ring placementWith(Neighborhood self) {
        Ring live = ringWith(self);
        Ring downNow = down.get();
        if (downNow.isEmpty()) {
            return live;
        }
        // every key request asks this: the ring is built again only when the view or the DOWN members changed
        Placement last = placement.get();
        if (last != null && last.live() == live && last.down() == downNow && last.self().equals(self.node())) {
            return last.ring();
        }
        Ring ring = live;
        for (NodeRef member : downNow.nodes()) {
            if (!ring.contains(member.id()) && !member.sameNodeAs(self.node())) {
                try {
                    ring = ring.with(member, downNow.virtualPositionsOf(member.id()));
                } catch (IllegalArgumentException | IllegalStateException stale) {
                    log.debug("a DOWN member's position is held by another in the ring view: {}", stale.getMessage());
                }
            }
        }
        placement.set(new Placement(live, downNow, self.node(), ring));
        return ring;
    }

    /** The placement last built, and what it was built from. */
    private record Placement(Ring live, Ring down, NodeRef self, Ring ring) {
    }

    /** Whether {@code node} is DOWN as this node last heard. */
    public boolean isDown(NodeRef node) {
        return down.get().nodes().stream().anyMatch(member -> member.sameNodeAs(node));
    }

    /** The members DOWN, each at its positions. */
    public Ring down() {
        return down.get();
    }

    /** Adds {@code position} to where {@code node} stands, its other positions staying; its ID adds the node. */
    public void addPosition(NodeRef node, RingPosition position) {
        update(current -> {
            Set<RingPosition> virtual = new TreeSet<>(current.contains(node.id()) ? current.virtualPositionsOf(node.id()) : List.of());
            if (!position.equals(node.id())) {
                virtual.add(position);
            }
            return current.without(node.id()).with(node, virtual);
        });
    }

    public void remove(RingPosition id) {
        update(current -> current.without(id));
    }

    /** Drops the node standing at {@code position}, at all its positions. */
    public void removeNodeAt(RingPosition position) {
        update(current -> current.nodeAt(position).map(node -> current.without(node.id())).orElse(current));
    }

    /**
     * The ring view with this node at the positions of {@code self}, for a view that does not list
     * it at all of them yet.
     */
    public Ring ringWith(Neighborhood self) {
        Ring current = ring.get();
        // every key request asks this: built again only when the view or this node's neighborhood changed
        RingWithSelf last = ringWithSelf.get();
        if (last != null && last.ring() == current && last.self() == self) {
            return last.result();
        }
        Ring result = withSelf(current, self);
        ringWithSelf.set(new RingWithSelf(current, self, result));
        return result;
    }

    /** The ring view last given this node's positions, and what it was built from. */
    private record RingWithSelf(Ring ring, Neighborhood self, Ring result) {
    }

    /**
     * {@code ring} with this node at the positions of {@code self}; as it is if it already stands at
     * all of them (one lookup per position: this runs for every key request), or if another node
     * holds one of them.
     */
    public static Ring withSelf(Ring ring, Neighborhood self) {
        NodeRef node = self.node();
        if (self.positions().stream().allMatch(position -> ring.nodeAt(position).filter(node::equals).isPresent())) {
            return ring;
        }
        try {
            return ring.without(node.id()).with(node, self.virtualPositions());
        } catch (IllegalArgumentException | IllegalStateException stale) {
            log.debug("the ring view holds a position of this node for another: {}", stale.getMessage());
            return ring;
        }
    }

    /** Applies {@code change}; one that conflicts with a stale view (two nodes at one position) is dropped. */
    private void update(UnaryOperator<Ring> change) {
        Ring previous = ring.get();
        try {
            previous = ring.getAndUpdate(change);
        } catch (IllegalArgumentException | IllegalStateException conflict) {
            log.debug("ring view not changed: {}", conflict.getMessage());
            return;
        }
        announce(previous, ring.get());
    }

    /** Every member that went DOWN, or came back from DOWN into the ring, as a ring event. */
    private void announceDown(Ring previous, Ring next, Ring live) {
        next.nodes().stream().filter(node -> !previous.contains(node.id()))
                .forEach(node -> events.publishEvent(RingEvent.about("node-down", node)));
        for (NodeRef node : previous.nodes()) {
            if (next.contains(node.id())) {
                continue;
            }
            if (live.contains(node.id())) {
                events.publishEvent(RingEvent.about("node-up", node));
            } else {
                returning.add(node.id());
            }
        }
    }

    /** Every node that came or went between two views, as a ring event. */
    private void announce(Ring previous, Ring next) {
        if (previous.equals(next) || previous.isEmpty()) {
            return;
        }
        // a member going DOWN or coming back is announced as such, not as leaving or joining
        Ring downNow = down.get();
        next.nodes().stream().filter(node -> !previous.nodes().contains(node) && !downNow.contains(node.id()))
                .forEach(node -> events.publishEvent(RingEvent.about(returning.remove(node.id()) ? "node-up" : "node-joined", node)));
        previous.nodes().stream().filter(node -> !next.nodes().contains(node) && !downNow.contains(node.id()))
                .forEach(node -> events.publishEvent(RingEvent.about("node-left", node)));
        log.debug("ring view now has {} nodes", next.size());
    }
}
