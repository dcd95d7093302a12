package dht.registry.membership;

import dht.core.DuplicateNodeIdException;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.VirtualPositions;
import dht.core.wire.Member;
import dht.core.wire.MemberState;
import dht.core.wire.Registration;
import dht.core.wire.Splice;
import dht.registry.config.RegistryProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Optional;
import java.util.Set;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The registry's ring and the one ring change allowed at a time. A join or leave holds the change
 * until the node reports it finished (or its lease runs out), so nodes started at the same moment
 * splice in one after another and each is told the neighbors it will really have.
 */
@Service
public class Membership {

    private static final Logger log = LoggerFactory.getLogger(Membership.class);

    private final RegistryProperties properties;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changeFinished = lock.newCondition();

    private Ring ring = Ring.empty();
    private RingChange change;
    /** Members marked DOWN: out of the ring that owns and routes, still holding their positions. */
    private final Map<RingPosition, Down> down = new HashMap<>();
    /**
     * Nodes this registry removed (left, removed, or DOWN too long), which must join anew, not announce
     * themselves; each with since when it has been away.
     */
    private final Map<RingPosition, Instant> removed = new HashMap<>();

    public Membership(RegistryProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Registers a joining node and names the neighbors it splices in between, at each of its
     * {@code positionCount} positions. A node registering again under its own address (a restart)
     * takes its old place, at its old positions if it asks for as many (a DOWN member coming back in
     * place is told since when it was DOWN); a joiner retrying keeps the {@code heldPositions} it
     * spliced in at before where they stand free. The positions of DOWN members stay theirs.
     */
    public Registration register(String address, RingPosition pinnedId, int positionCount, List<RingPosition> heldPositions) {
        NodeRef joiner = new NodeRef(pinnedId != null ? pinnedId : RingPosition.ofAddress(address), address);
        lock.lock();
        try {
            expireDownMembers();
            Ring placement = placement();
            placement.nodes().stream()
                    .filter(node -> node.address().equals(address) && !node.id().equals(joiner.id()))
                    .findFirst()
                    .ifPresent(node -> {
                        throw new DuplicateNodeIdException(joiner, node);
                    });
            placement.nodeAt(joiner.id()).filter(holder -> !holder.equals(joiner)).ifPresent(holder -> {
                throw new DuplicateNodeIdException(joiner, holder); // at its ID or at a virtual position
            });
            beginChange(joiner, MemberState.JOINING, List.of());
            Instant removedSince = removed.remove(joiner.id());
            // the ring as it is once the change in progress, if any, has ended
            Ring others = ring.without(joiner.id());
            Set<RingPosition> reserved = new HashSet<>(removed.keySet());
            down.values().stream().filter(member -> !member.node().id().equals(joiner.id()))
                    .forEach(member -> reserved.addAll(member.positions()));
            Down wasDown = down.get(joiner.id());
            List<RingPosition> virtualPositions = ring.contains(joiner.id()) && ring.positionsOf(joiner.id()).size() == positionCount
                    ? ring.virtualPositionsOf(joiner.id())
                    : wasDown != null && wasDown.virtualPositions().size() == positionCount - 1
                    ? wasDown.virtualPositions()
                    : free(others, reserved, joiner, heldPositions, positionCount)
                    ? List.copyOf(heldPositions)
                    : VirtualPositions.allocate(others, joiner, positionCount, reserved);
            change = change.at(virtualPositions);
            Registration registration = splicing(joiner, others, virtualPositions, positionCount);
            if (wasDown != null) {
                log.info("node {} comes back from DOWN (since {}) at its positions", joiner, wasDown.since());
                return registration.awaySince(wasDown.since());
            }
            if (removedSince != null) {
                return registration.awaySince(removedSince);
            }
            // a member restarted before anyone noticed it gone: away for no time at all
            return ring.contains(joiner.id()) ? registration.awaySince(clock.instant()) : registration;
        } finally {
            lock.unlock();
        }
    }

    private static Registration splicing(NodeRef joiner, Ring others, List<RingPosition> virtualPositions, int positionCount) {
        String address = joiner.address();
        if (others.isEmpty()) {
            log.info("node {} at {} starts the ring", joiner.id(), address);
            List<Splice> splices = positionCount == 1 ? null
                    : Stream.concat(Stream.of(joiner.id()), virtualPositions.stream()).map(p -> new Splice(p, null, null)).toList();
            return new Registration(joiner.id(), address, null, null, splices);
        }
        NodeRef predecessor = others.predecessorOf(joiner.id());
        NodeRef successor = others.successorOf(joiner.id());
        log.info("node {} at {} joins between {} and {}{}", joiner.id(), address, predecessor, successor,
                virtualPositions.isEmpty() ? "" : " and at " + virtualPositions.size() + " further positions");
        return new Registration(joiner.id(), address, predecessor, successor,
                positionCount == 1 ? null : Splice.inOrder(others, joiner, virtualPositions));
    }

    /**
     * Whether the positions a joiner asks to keep (it stands there from a join that broke off) are
     * as many as it asks for and stand free: then it keeps them, and its retry builds on the
     * splices it made, instead of leaving them stale in its neighbors' views.
     */
    private static boolean free(Ring others, Set<RingPosition> reserved, NodeRef joiner, List<RingPosition> held, int positionCount) {
        return held != null && held.size() == positionCount - 1 && Set.copyOf(held).size() == held.size()
                && held.stream().noneMatch(position -> position.equals(joiner.id()) || reserved.contains(position)
                || others.nodeAt(position).isPresent());
    }

    /** The joining node is linked in and holds its range: it joins the listed ring. */
    public void joined(RingPosition id) {
        lock.lock();
        try {
            NodeRef node;
            List<RingPosition> virtualPositions;
            if (change != null && change.node().id().equals(id) && change.state() == MemberState.JOINING) {
                node = change.node();
                virtualPositions = change.virtualPositions();
                finishChange();
            } else {
                throw new UnknownNodeException(id, "has no join in progress");
            }
            ring = ring.without(id).with(node, virtualPositions);
            down.remove(id);
            log.info("node {} joined; the ring has {} nodes", node, ring.size());
        } finally {
            lock.unlock();
        }
    }

    /**
     * A live member that this registry does not list says it is in the ring: after the registry
     * restarted with nothing, the members announce themselves and so rebuild the ring. A node this
     * registry removed is refused: its neighbors have closed the ring behind it, and it must join anew.
     */
    public void announce(NodeRef node, List<RingPosition> virtualPositions) {
        lock.lock();
        try {
            if (removed.containsKey(node.id())) {
                throw new RemovedNodeException(node.id());
            }
            if (down.containsKey(node.id())) {
                // its neighbors serve its range meanwhile: it takes it back by joining at its positions
                throw new RemovedNodeException(node.id(), "Node " + node.id() + " is DOWN; it must join again at its positions.");
            }
            Optional<NodeRef> holder = ring.node(node.id());
            if (holder.isPresent() && !holder.get().equals(node)) {
                throw new DuplicateNodeIdException(node, holder.get());
            }
            if (holder.isEmpty()) {
                ring = ring.with(node, virtualPositions);
                log.info("node {} announced itself; the ring has {} nodes", node, ring.size());
            }
        } finally {
            lock.unlock();
        }
    }

    /** A node starts its graceful leave: no other change until it has handed its keys over. */
    public void leaving(RingPosition id) {
        lock.lock();
        try {
            NodeRef node = ring.node(id).orElseThrow(() -> new UnknownNodeException(id, "is not in the ring"));
            beginChange(node, MemberState.LEAVING, ring.virtualPositionsOf(id));
            log.info("node {} is leaving", node);
        } finally {
            lock.unlock();
        }
    }

    /** Removes a node: the end of its graceful leave, or an operator's command. */
    public void remove(RingPosition id) {
        lock.lock();
        try {
            boolean ownChange = change != null && change.node().id().equals(id);
            if (!ring.contains(id) && !ownChange && !down.containsKey(id)) {
                throw new UnknownNodeException(id, "is not in the ring");
            }
            if (ownChange) {
                finishChange();
            }
            ring = ring.without(id);
            Down wasDown = down.remove(id);
            removed.put(id, wasDown != null ? wasDown.since() : clock.instant());
            log.info("node {} removed; the ring has {} nodes", id, ring.size());
        } finally {
            lock.unlock();
        }
    }

    /**
     * A member stopped or unreachable: it leaves the ring that owns and routes (its predecessors
     * serve its range) but keeps its positions, until it comes back in place or is removed. Answers
     * it as listed now; a member already DOWN stays DOWN since it first was. One found down again
     * while it joins back breaks that join off: its predecessors close it out once more on this
     * answer, so the join must not end as if it had held its ranges; it registers again.
     */
    public Member markDown(RingPosition id) {
        lock.lock();
        try {
            expireDownMembers();
            if (down.containsKey(id) && change != null && change.node().id().equals(id) && change.state() == MemberState.JOINING) {
                finishChange();
                log.warn("node {} is DOWN again while it joined back; its join is broken off", id);
            }
            if (!down.containsKey(id)) {
                NodeRef node = ring.node(id).orElseThrow(() -> new UnknownNodeException(id, "is not in the ring"));
                if (change != null && change.node().id().equals(id)) {
                    finishChange(); // its leave broke off
                }
                down.put(id, new Down(node, ring.virtualPositionsOf(id), clock.instant()));
                ring = ring.without(id);
                log.warn("node {} is DOWN; the ring has {} nodes up, {} down", node, ring.size(), down.size());
            }
            return down.get(id).member();
        } finally {
            lock.unlock();
        }
    }

    /** Every member in ID order: the linked-in ones (a joining or leaving one marked as such) and the DOWN ones. */
    public List<Member> members() {
        lock.lock();
        try {
            expireStaleChange();
            expireDownMembers();
            return Stream.concat(
                            ring.nodes().stream().map(node -> new Member(node.id(), node.address(), stateOf(node), ring.virtualPositionsOf(node.id()))),
                            // a DOWN member joining again at its positions is listed as joining, still away since then
                            down.values().stream().map(member -> stateOf(member.node()) == MemberState.JOINING
                                    ? new Member(member.node().id(), member.node().address(), MemberState.JOINING,
                                    member.virtualPositions(), member.since())
                                    : member.member()))
                    .sorted(Comparator.comparing(Member::id))
                    .toList();
        } finally {
            lock.unlock();
        }
    }

    /** Every member at its positions, the DOWN ones included. */
    private Ring placement() {
        Ring placement = ring;
        for (Down member : down.values()) {
            if (!placement.contains(member.node().id())) {
                placement = placement.with(member.node(), member.virtualPositions());
            }
        }
        return placement;
    }

    /**
     * Removes the members DOWN for longer than {@code dht.down-removal-timeout} (never at 0): their
     * ranges stay with their predecessors, and the replicas restore the replication factor.
     */
    private void expireDownMembers() {
        Duration timeout = properties.downRemovalTimeout();
        if (timeout.isZero()) {
            return;
        }
        Instant now = clock.instant();
        down.values().removeIf(member -> {
            if (!now.isAfter(member.since().plus(timeout))) {
                return false;
            }
            removed.put(member.node().id(), member.since());
            log.warn("node {} was DOWN for longer than {}: removed from the ring", member.node(), timeout);
            return true;
        });
    }

    public Optional<Member> member(RingPosition id) {
        return members().stream().filter(member -> member.id().equals(id)).findFirst();
    }

    public Ring ring() {
        lock.lock();
        try {
            return ring;
        } finally {
            lock.unlock();
        }
    }

    private MemberState stateOf(NodeRef node) {
        return change != null && change.node().equals(node) ? change.state() : MemberState.UP;
    }

    /**
     * Waits (bounded) for the change in progress; the same node may take its own change again, another
     * node under its ID is a duplicate.
     */
    private void beginChange(NodeRef node, MemberState state, List<RingPosition> virtualPositions) {
        long deadline = System.nanoTime() + properties.ringChangeWait().toNanos();
        while (true) {
            expireStaleChange();
            if (change != null && change.node().id().equals(node.id()) && !change.node().equals(node)) {
                throw new DuplicateNodeIdException(node, change.node());
            }
            if (change == null || change.node().id().equals(node.id())) {
                change = new RingChange(node, state, virtualPositions, clock.instant().plus(properties.ringChangeLease()));
                return;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new RingChangeInProgressException(change.node(), change.state());
            }
            try {
                // in slices, so that a change whose lease ran out on the clock is noticed meanwhile
                changeFinished.awaitNanos(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(200)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RingChangeInProgressException(change.node(), change.state());
            }
        }
    }

    private void finishChange() {
        change = null;
        changeFinished.signalAll();
    }

    private void expireStaleChange() {
        if (change != null && clock.instant().isAfter(change.deadline())) {
            log.warn("node {} did not finish its {} within {}; letting the next ring change go ahead",
                    change.node(), change.state(), properties.ringChangeLease());
            if (change.state() == MemberState.LEAVING) {
                ring = ring.without(change.node().id());
            }
            finishChange();
        }
    }

    /** A DOWN member: where it stands, and since when it is DOWN. */
    private record Down(NodeRef node, List<RingPosition> virtualPositions, Instant since) {

        List<RingPosition> positions() {
            return Stream.concat(Stream.of(node.id()), virtualPositions.stream()).toList();
        }

        Member member() {
            return new Member(node.id(), node.address(), MemberState.DOWN, virtualPositions, since);
        }
    }

    private record RingChange(NodeRef node, MemberState state, List<RingPosition> virtualPositions, Instant deadline) {

        RingChange at(List<RingPosition> positions) {
            return new RingChange(node, state, positions, deadline);
        }
    }
}
