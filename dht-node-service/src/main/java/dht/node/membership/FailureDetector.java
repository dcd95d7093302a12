package dht.node.membership;

import dht.core.NeighborView;
import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.wire.RingListing;
import dht.node.config.NodeProperties;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;
import dht.node.peer.RegistryClient;
import dht.node.telemetry.RingEvent;
import dht.node.time.NodeScheduler;
import dht.node.transfer.OutboundHandoffs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Probes the successor of each of the node's positions every {@code dht.probe-interval}; after
 * {@code dht.failure-threshold} probes in a row go unanswered and a last one given
 * {@code dht.request-timeout} does too, it reports that node DOWN to the registry, which confirms
 * it by probing the node itself (so one peer's broken link alone marks no one down). Once DOWN, each
 * position the node succeeded links to the next position that answers and serves the range up to
 * there; the node stays a member at its positions, and takes them back when it joins again. A node
 * that is only slow, or stalled for a few seconds on a loaded machine, is not marked down.
 */
@Component
public class FailureDetector {

    private static final Logger log = LoggerFactory.getLogger(FailureDetector.class);

    private final LocalNode node;
    private final RingView ringView;
    private final PeerClient peers;
    private final RegistryClient registry;
    private final ApplicationEventPublisher events;
    private final NodeProperties properties;
    private final OutboundHandoffs outbound;
    /** Probes missed in a row, by the address of the successor. */
    private final Map<String, Integer> missed = new HashMap<>();
    /**
     * When each node last asked to splice a position in here, by its address: one that did within
     * {@code dht.request-timeout} is joining, not gone, whatever a probe of it answered meanwhile.
     */
    private final Map<String, Instant> spliceAsks = new ConcurrentHashMap<>();
    /** The last report of each node a request could not reach, by its address. */
    private final Map<String, Verdict> verdicts = new HashMap<>();
    private final NodeScheduler scheduler;

    public FailureDetector(LocalNode node, RingView ringView, PeerClient peers, RegistryClient registry,
                           ApplicationEventPublisher events, NodeProperties properties, OutboundHandoffs outbound,
                           NodeScheduler scheduler) {
        this.outbound = outbound;
        this.node = node;
        this.ringView = ringView;
        this.peers = peers;
        this.registry = registry;
        this.events = events;
        this.properties = properties;
        this.scheduler = scheduler;
        scheduler.runEvery(properties.probeInterval(), "failure-detector", this::probe);
    }

    synchronized void probe() {
        Neighborhood neighborhood = node.neighborhood().orElse(null);
        if (neighborhood == null || node.state() != NodeState.READY || neighborhood.isAlone()) {
            return;
        }
        Map<String, NodeRef> successors = new LinkedHashMap<>();
        neighborhood.views().stream().map(NeighborView::successor)
                .filter(successor -> !successor.sameNodeAs(neighborhood.node()))
                .forEach(successor -> successors.putIfAbsent(successor.address(), successor));
        missed.keySet().retainAll(successors.keySet());
        successors.values().forEach(this::probe);
    }

    private void probe(NodeRef successor) {
        if (peers.isAlive(successor)) {
            missed.remove(successor.address());
            return;
        }
        int count = missed.merge(successor.address(), 1, Integer::sum);
        log.warn("successor {} missed {} probe(s) in a row", successor, count);
        if (count >= properties.failureThreshold()) {
            missed.remove(successor.address());
            // a process that is gone refuses the connection at once; only a hanging one costs this wait
            if (peers.isAlivePatiently(successor)) {
                log.warn("successor {} answered a last probe given {}: slow, not dead", successor, properties.requestTimeout());
                return;
            }
            markDown(successor);
        }
    }

    /**
     * A request could not reach {@code position}'s node (no connection, no answer in time, calls to it
     * paused): it is reported to the registry at once, which marks it DOWN only if it cannot reach it
     * either; its predecessors then serve its ranges, without waiting for their probes to miss
     * {@code dht.failure-threshold} times. Answers whether it is DOWN, waiting at most {@code wait}
     * for the registry's verdict (the report goes on regardless), so that the request can go to whoever
     * serves the key now. At most one report per {@code dht.request-timeout} per node: the requests
     * failing meanwhile share its verdict.
     */
    public boolean suspect(NodeRef position, Duration wait) {
        NodeRef member = memberAt(position);
        if (ringView.isDown(member)) {
            return true;
        }
        Instant now = scheduler.now();
        Verdict fresh = new Verdict(now, new CompletableFuture<>());
        Verdict verdict;
        synchronized (verdicts) {
            Verdict last = verdicts.get(member.address());
            verdict = last != null && now.isBefore(last.asked().plus(properties.requestTimeout())) ? last : fresh;
            verdicts.put(member.address(), verdict);
        }
        if (verdict == fresh) {
            scheduler.fanOut().execute(() -> fresh.down().complete(reportSuspect(member)));
        }
        try {
            return verdict.down().get(Math.max(0, wait.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A report of a node a request could not reach, and its outcome once the registry answered: whether it is DOWN. */
    private record Verdict(Instant asked, CompletableFuture<Boolean> down) {
    }

    private boolean reportSuspect(NodeRef member) {
        NodeRef self = node.neighborhood().map(Neighborhood::node).orElse(null);
        if (self == null || member.sameNodeAs(self) || node.state() != NodeState.READY) {
            return false;
        }
        try {
            registry.reportDown(member.id(), self.id());
        } catch (PeerFailure e) {
            log.info("{} could not be reached by a request, but it answers the registry ({})", member, e.getMessage());
            return false;
        }
        log.warn("{} could not be reached by a request, nor by the registry: DOWN", member);
        goingDown(member);
        // not this node's successor: requests here route around it all the same
        ringView.markDown(member);
        return true;
    }

    /**
     * A successor stops without leaving, and says so: it is DOWN at once, with no probe to wait for.
     * Its positions stay its own in the registry; this node serves their ranges until it is back.
     */
    public synchronized void goingDown(NodeRef successor) {
        if (node.state() != NodeState.READY) {
            return;
        }
        Neighborhood neighborhood = node.neighborhood().orElseThrow();
        if (successor.sameNodeAs(neighborhood.node())
                || neighborhood.views().stream().noneMatch(view -> view.successor().sameNodeAs(successor))) {
            return; // not this node's successor at any position: nothing to take over
        }
        missed.remove(successor.address());
        closeOutDown(successor);
    }

    /**
     * A successor of this node asks to join anew: it restarted before its probes went unanswered.
     * The member it was is gone, and is closed out of the ring as a dead one is, except that the
     * registry, which it registered with again, keeps it: its join goes on from there. Only its
     * positions of that earlier run are closed out: those this node spliced in for its current run
     * ({@code ofEarlierRun} tells them apart) stay.
     */
    synchronized void restarted(NodeRef successor, Predicate<NodeRef> ofEarlierRun) {
        restarted(successor, ofEarlierRun, () -> true);
    }

    /** As {@link #restarted(NodeRef, Predicate)}, provided the node is {@code stillGone} once ownership is held. */
    private void restarted(NodeRef successor, Predicate<NodeRef> ofEarlierRun, BooleanSupplier stillGone) {
        missed.remove(successor.address());
        Predicate<NodeRef> gone = position -> position.sameNodeAs(successor) && ofEarlierRun.test(position);
        Ring ring = freshRing();
        closeOut(ring, successor, view -> gone.test(view.successor()), gone, stillGone).ifPresent(relinkedTo -> {
            log.warn("{} restarted; {} took over the ranges of its earlier run up to {}", successor,
                    node.neighborhood().orElseThrow().node(), relinkedTo);
            outbound.abandon(gone);
            events.publishEvent(RingEvent.about("node-dead", successor));
        });
    }

    /**
     * A position of another node that this node links to is stale: that node's join broke off
     * before it held the position, and another joiner now asks for it or for one past it. Only
     * that position is closed out; the node stays a member at its other positions.
     */
    synchronized void positionGone(NodeRef stale) {
        positionGone(stale, freshRing());
    }

    /** As {@link #positionGone(NodeRef)}, by the registry's {@code ring} as the caller just read it. */
    synchronized void positionGone(NodeRef stale, Ring ring) {
        positionGone(stale, ring, () -> true);
    }

    private void positionGone(NodeRef stale, Ring ring, BooleanSupplier stillGone) {
        closeOut(ring, stale, view -> view.successor().equals(stale), stale::equals, stillGone).ifPresent(relinkedTo ->
                log.warn("{} never took its place; {} takes over its range up to {}", stale, node.neighborhood().orElseThrow().node(),
                        relinkedTo));
    }

    /**
     * A joiner asks for the position {@code standing} stands at: closed out as {@link #positionGone}
     * if that node does not hold it; if it does, the joiner is refused, and chooses again from a
     * fresh walk of the ring, where it now finds the position taken.
     */
    synchronized void positionGoneUnlessHeld(NodeRef standing) {
        try {
            peers.neighbors(standing);
        } catch (PeerFailure e) {
            positionGone(standing);
            return;
        }
        throw RingProblems.conflict("Position " + standing.id() + " is taken by " + standing + "; choose positions again.");
    }

    /** A node asks to splice a position in here: called while ownership is held, so that no close-out races it. */
    void spliceAsked(NodeRef joiner) {
        Instant now = scheduler.now();
        spliceAsks.values().removeIf(asked -> asked.isBefore(now.minus(properties.requestTimeout())));
        spliceAsks.put(joiner.address(), now);
    }

    /** Whether {@code member}'s node asked to splice a position in here since {@code since}, less {@code dht.request-timeout}. */
    private boolean askedToSpliceSince(NodeRef member, Instant since) {
        Instant asked = spliceAsks.get(member.address());
        return asked != null && !asked.isBefore(since.minus(properties.requestTimeout()));
    }

    /**
     * A successor that answers but holds no place in the ring (it restarted, or its join broke off,
     * and it waits to join again) is gone as the member it was, and closed out as a restarted one.
     * One that stands in the ring, but not at this position (a join that broke off left it behind),
     * loses that position only. Its probes cannot show either: it is alive.
     */
    synchronized void closeOutIfPlaceless(NodeRef successor) {
        Instant probed = scheduler.now();
        // a join the node goes on with here (its answer on its way back, say) outweighs what the probe saw
        BooleanSupplier stillGone = () -> !askedToSpliceSince(successor, probed);
        try {
            peers.neighbors(successor);
        } catch (PeerFailure e) {
            if (e.isRefusal(PeerFailure.Reason.BUSY)) {
                log.warn("successor {} holds no place in the ring: {}", successor, e.getMessage());
                restarted(successor, position -> true, stillGone);
            } else if (e.isRefusal(PeerFailure.Reason.CONFLICT)) {
                positionGone(successor, freshRing(), stillGone);
            }
        }
    }

    /**
     * Reports the successor DOWN; unless the registry answers that the node answers it (then only
     * this node's link to it is broken, and it stays the successor), every position of this node
     * whose successor stood on it links to the next position after it that answers and serves the
     * range up to there. A registry that cannot be reached does not keep the range unserved.
     */
    private void markDown(NodeRef unanswering) {
        NodeRef self = node.neighborhood().orElseThrow().node();
        NodeRef member = memberAt(unanswering);
        try {
            registry.reportDown(member.id(), self.id());
        } catch (PeerFailure e) {
            if (e.isRefusal(PeerFailure.Reason.CONFLICT)) {
                log.warn("{} does not answer this node, but the registry: not marked down ({})", unanswering, e.getMessage());
                return;
            }
            log.warn("could not report {} down to the registry ({}); serving its ranges all the same", unanswering, e.getMessage());
        }
        closeOutDown(member);
    }

    /**
     * The member standing at {@code position} (one of its positions, say a virtual one), as the ring
     * view knows it: the registry knows members by their IDs.
     */
    private NodeRef memberAt(NodeRef position) {
        return ringView.ring().nodeAt(position.id())
                .or(() -> ringView.down().nodeAt(position.id()))
                .orElse(position);
    }

    /**
     * Every position whose successor stood on the DOWN {@code member} (known by its ID) links past
     * it, and serves its range until it is back.
     */
    private void closeOutDown(NodeRef member) {
        Ring ring = freshRing();
        List<NodeRef> relinkedTo = closeOut(ring, member, view -> view.successor().sameNodeAs(member), member::sameNodeAs, () -> true)
                .orElseThrow();
        log.error("{} is DOWN; {} serves its ranges up to {} until it is back", member, node.neighborhood().orElseThrow().node(),
                relinkedTo);
        ringView.markDown(member);
        outbound.abandon(member::sameNodeAs);
    }

    /**
     * Links each of this node's positions whose successor is {@code closed} to the next live
     * position after it that is not {@code gone}, takes over the range up to there, and tells each
     * new successor its predecessor. Answers where the positions link to now; nothing, and changes
     * nothing, when {@code closed} is no longer {@code stillGone} once ownership is held.
     */
    private Optional<List<NodeRef>> closeOut(Ring ring, NodeRef closed, Predicate<NeighborView> linksToClosed, Predicate<NodeRef> gone,
                                             BooleanSupplier stillGone) {
        Neighborhood before = node.neighborhood().orElseThrow();
        Map<NodeRef, NodeRef> replacements = new LinkedHashMap<>();
        for (NeighborView view : before.views()) {
            if (linksToClosed.test(view)) {
                replacements.put(view.self(), nextLiveAfter(ring, view.successor(), before, gone));
            }
        }
        Optional<List<NeighborView>> relinked = node.changeOwnership(() -> {
            if (!stillGone.getAsBoolean()) {
                return Optional.empty();
            }
            Neighborhood current = node.neighborhood().orElseThrow();
            Neighborhood next = current.withSuccessorsReplaced(closed, replacements);
            node.update(next, node.state());
            return Optional.of(next.views().stream()
                    .filter(view -> !current.views().contains(view) && replacements.containsKey(view.self())).toList());
        });
        if (relinked.isEmpty()) {
            log.info("{} asked to splice in here since it was found placeless: it is joining, and keeps its place", closed);
            return Optional.empty();
        }
        for (NeighborView view : relinked.get()) {
            if (!view.successor().sameNodeAs(view.self())) {
                try {
                    peers.setPredecessor(view.successor(), view.self());
                } catch (PeerFailure e) {
                    log.warn("could not tell {} its new predecessor: {}", view.successor(), e.getMessage());
                }
            }
        }
        return Optional.of(List.copyOf(replacements.values()));
    }

    /**
     * The registry's ring, as fresh as it gets: a node that joined after the dead one since the ring
     * view was last refreshed must not be skipped, or this node would take over its range too. The
     * ring view when the registry does not answer.
     */
    private Ring freshRing() {
        try {
            RingListing listing = registry.ring();
            Ring listed = listing.ring();
            ringView.replace(RingView.withSelf(listed, node.neighborhood().orElseThrow()), listing.down());
            return listed;
        } catch (PeerFailure e) {
            log.warn("the registry's ring could not be read ({}); going by the ring view", e.getMessage());
            return ringView.ring();
        }
    }

    /**
     * The first position after the dead one, clockwise, whose node answers a probe, or a last one
     * given {@code dht.request-timeout}; this node's own next position if none before it does. The
     * positions are the ring view's together with this node's own neighbors: while the registry is
     * away the view is only as complete as the last walk of the ring, and a live position missing
     * from it would have its range taken over as well, with two owners.
     */
    private NodeRef nextLiveAfter(Ring ring, NodeRef dead, Neighborhood self, Predicate<NodeRef> gone) {
        NodeRef ownNext = self.viewAfter(dead.id()).self();
        long ownDistance = dead.id().distanceTo(ownNext.id());
        NavigableMap<RingPosition, NodeRef> known = new TreeMap<>();
        ring.arcs().forEach(arc -> known.put(arc.range().start(), arc.node().atPosition(arc.range().start())));
        self.views().forEach(view -> {
            known.putIfAbsent(view.predecessor().id(), view.predecessor());
            known.putIfAbsent(view.successor().id(), view.successor());
        });
        List<NodeRef> clockwise = new ArrayList<>(known.tailMap(dead.id(), false).values());
        clockwise.addAll(known.headMap(dead.id(), false).values());
        for (NodeRef candidate : clockwise) {
            if (candidate.sameNodeAs(self.node()) || Long.compareUnsigned(dead.id().distanceTo(candidate.id()), ownDistance) >= 0) {
                break;
            }
            // one lost probe must not skip a live position: its range would then have two owners
            if (!gone.test(candidate) && (peers.isAlive(candidate) || peers.isAlivePatiently(candidate))) {
                return candidate;
            }
        }
        return ownNext;
    }
}
