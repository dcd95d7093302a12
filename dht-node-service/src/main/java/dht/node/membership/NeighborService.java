package dht.node.membership;

import dht.core.KeyRange;
import dht.core.NeighborView;
import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.wire.Handover;
import dht.core.wire.JoinAccepted;
import dht.core.wire.JoinRequest;
import dht.node.config.NodeProperties;
import dht.node.peer.PeerFailure;
import dht.node.time.NodeScheduler;
import dht.node.transfer.InboundTransfers.Pending;
import dht.node.transfer.InboundTransfers;
import dht.node.transfer.OutboundHandoffs;
import dht.node.transfer.TransferService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** This node's side of its neighbors' joins and leaves. */
@Service
public class NeighborService {

    private static final Logger log = LoggerFactory.getLogger(NeighborService.class);

    private final LocalNode node;
    private final InboundTransfers inbound;
    private final OutboundHandoffs outbound;
    private final TransferService transfers;
    private final RingView ringView;
    private final NodeProperties properties;
    private final NodeScheduler scheduler;
    private final FailureDetector failureDetector;
    private final RangeReconciliation reconciliation;
    private final Map<NodeRef, AcceptedJoin> acceptedJoins = new ConcurrentHashMap<>();

    public NeighborService(LocalNode node, InboundTransfers inbound, OutboundHandoffs outbound, TransferService transfers,
                           RingView ringView, NodeProperties properties, NodeScheduler scheduler,
                           FailureDetector failureDetector, RangeReconciliation reconciliation) {
        this.reconciliation = reconciliation;
        this.scheduler = scheduler;
        this.failureDetector = failureDetector;
        this.properties = properties;
        this.node = node;
        this.ringView = ringView;
        this.inbound = inbound;
        this.outbound = outbound;
        this.transfers = transfers;
    }

    /**
     * A node joins right after one of this node's positions: it becomes that position's successor
     * and takes over the keys from its own position up to the old successor's, which it then pulls
     * from here. Asking again gets the same answer.
     */
    public JoinAccepted acceptJoin(JoinRequest request) {
        NodeRef joiner = request.joiner();
        boolean repeated = isRepeated(request);
        node.neighborhood().flatMap(neighborhood -> staleSplice(neighborhood, request))
                .filter(stale -> !repeated)
                .ifPresent(stale -> {
                    switch (stale.kind()) {
                        case RESTARTED -> failureDetector.restarted(stale.view().successor(), position -> !acceptedInRun(position, request));
                        case LEFT_BEHIND -> failureDetector.positionGone(stale.view().successor());
                        case GIVEN_AWAY -> failureDetector.positionGoneUnlessHeld(stale.view().successor());
                    }
                });
        if (!repeated) {
            requireReconciled();
        }
        // the registry names another successor: the one this node links to may have restarted, and wait to join again
        node.neighborhood().map(neighborhood -> closestBefore(neighborhood, joiner.id()).successor())
                .filter(successor -> !successor.equals(request.successor()) && !successor.sameNodeAs(joiner)
                        && !successor.sameNodeAs(node.self().orElseThrow()))
                .ifPresent(failureDetector::closeOutIfPlaceless);
        return node.changeOwnership(() -> {
            failureDetector.spliceAsked(joiner);
            Neighborhood neighborhood = requireOwner();
            if (isRepeated(request) && (neighborhood.viewBefore(joiner).isPresent() || splicedPast(neighborhood, request))) {
                JoinAccepted accepted = acceptedJoins.get(joiner).answer();
                // the joiner lost the answer, or gave up its pull: it pulls again, from the start (where it spliced
                // further positions in between since, the last of them tells this position its predecessor again)
                beginHandoff(accepted.range(), joiner);
                return accepted;
            }
            if (neighborhood.positions().contains(joiner.id())) {
                throw RingProblems.conflict("Node " + joiner + " stands at this node's position " + joiner.id() + ".");
            }
            if (joiner.sameNodeAs(neighborhood.node())) {
                throw RingProblems.conflict("Node " + joiner + " has this node's address.");
            }
            NeighborView view = neighborhood.viewOwning(joiner.id()).orElseThrow(() -> RingProblems.conflict(
                    "Node " + joiner + " does not fall in this node's range " + describe(neighborhood.ownedRanges()) + "."));
            if (!view.successor().equals(request.successor())) {
                throw RingProblems.conflict("This node's successor is " + view.successor() + ", not " + request.successor() + ".");
            }
            if (!inbound.all().isEmpty()) {
                throw RingProblems.busy("This node is still receiving " + inbound.all().getFirst().range() + ".");
            }
            KeyRange range = KeyRange.of(joiner.id(), view.successor().id());
            beginHandoff(range, joiner);
            node.update(view.withSuccessor(joiner), node.state());
            JoinAccepted accepted = new JoinAccepted(view.self(), view.successor(), range);
            acceptedJoins.keySet().removeIf(earlier -> !earlier.sameNodeAs(joiner));
            acceptedJoins.put(joiner, new AcceptedJoin(accepted, request));
            ringView.addPosition(request.joiningNode(), joiner.id());
            log.info("{} joins after {} and takes over {}", joiner, view.self(), range);
            return accepted;
        });
    }

    /**
     * The position before one of this node's is now {@code predecessor}: the first of its positions
     * after it. Another node with this node's ID would break the ring: refused.
     */
    public void predecessorIs(NodeRef predecessor) {
        node.self().filter(self -> self.id().equals(predecessor.id()) && !self.equals(predecessor)).ifPresent(self -> {
            throw RingProblems.conflict("Node " + predecessor + " has this node's ID " + self.id() + ".");
        });
        node.changeOwnership(() -> {
            Neighborhood neighborhood = node.neighborhood().orElseThrow(() -> RingProblems.busy("This node has not joined yet."));
            node.update(neighborhood.viewAfter(predecessor.id()).withPredecessor(predecessor), node.state());
            return null;
        });
    }

    /**
     * The successor of one of this node's positions leaves: that position takes over the leaving
     * one's range at once and pulls the keys from it in the background.
     */
    public void acceptHandover(Handover handover) {
        Pending pending = node.changeOwnership(() -> {
            Neighborhood neighborhood = requireOwner();
            NeighborView view = neighborhood.viewBefore(handover.from()).orElseThrow(() -> RingProblems.conflict(
                    "No position of this node has " + handover.from() + " as its successor."));
            if (!handover.range().equals(KeyRange.of(handover.from().id(), handover.successor().id()))) {
                throw RingProblems.conflict("Node " + handover.from() + " cannot hand over " + handover.range() + ".");
            }
            NeighborView next = handover.successor().equals(view.self())
                    ? NeighborView.alone(view.self())
                    : view.withSuccessor(handover.successor());
            node.update(next, node.state());
            ringView.removeNodeAt(handover.from().id());
            return inbound.begin(handover.range(), handover.from());
        });
        log.info("{} leaves; taking over {}", handover.from(), handover.range());
        scheduler.runAfter(Duration.ZERO, "handover-" + handover.from().id(), () -> {
            try {
                transfers.pull(node.self().orElseThrow(), pending);
            } catch (PeerFailure e) {
                log.error("{} stopped handing over {}: {}", handover.from(), handover.range(), e.getMessage());
            } finally {
                node.changeOwnership(() -> {
                    inbound.finish(pending);
                    return null;
                });
            }
        });
    }

    /**
     * The position of this node through which the joiner's node was spliced in before, where the
     * joiner no longer builds on that splice. It restarted and asks for the same position again:
     * the member it was is gone at every position. Or an earlier attempt of a join at several
     * positions broke off and the joiner, asking for a position near the one it was spliced in at,
     * no longer plans that one (the registry could not give it the same positions again); or the registry gave a position
     * where an earlier joiner's splice broke off to another joiner: that one position is stale.
     */
    private static Optional<StaleSplice> staleSplice(Neighborhood neighborhood, JoinRequest request) {
        NodeRef joiner = request.joiner();
        Optional<NeighborView> before = neighborhood.viewBefore(joiner);
        if (before.isPresent()) {
            return Optional.of(new StaleSplice(before.get(), StaleSplice.Kind.RESTARTED));
        }
        NeighborView closest = closestBefore(neighborhood, joiner.id());
        NodeRef successor = closest.successor();
        if (successor.id().equals(joiner.id()) && !successor.sameNodeAs(joiner) && !successor.sameNodeAs(neighborhood.node())) {
            return Optional.of(new StaleSplice(closest, StaleSplice.Kind.GIVEN_AWAY));
        }
        return leftBehind(closest, request) ? Optional.of(new StaleSplice(closest, StaleSplice.Kind.LEFT_BEHIND)) : Optional.empty();
    }

    /**
     * Whether {@code closest}, this node's position closest before the joiner, links to another
     * position of the joiner's node than the registry planned there: the registry names the
     * joiner's own position as the successor only where it planned it so.
     */
    private static boolean leftBehind(NeighborView closest, JoinRequest request) {
        return closest.successor().sameNodeAs(request.joiner()) && !closest.successor().equals(request.successor());
    }

    /**
     * Whether the joiner's node stands at a position between this node's closest position before
     * the joiner and the joiner: it spliced in there first, as the registry orders positions falling
     * into one range from its far end back, or at a position it no longer asks for.
     */
    private static boolean splicedPast(Neighborhood neighborhood, JoinRequest request) {
        NeighborView closest = closestBefore(neighborhood, request.joiner().id());
        return leftBehind(closest, request) && KeyRange.of(closest.self().id(), request.joiner().id()).contains(closest.successor().id());
    }

    private static NeighborView closestBefore(Neighborhood neighborhood, RingPosition position) {
        return neighborhood.views().stream()
                .min(Comparator.comparing((NeighborView view) -> view.self().id().distanceTo(position), Long::compareUnsigned))
                .orElseThrow();
    }

    /** A view whose successor is stale: the whole node, restarted, or that one position. */
    private record StaleSplice(NeighborView view, Kind kind) {

        enum Kind {
            /** The joiner's node restarted: the member it was is gone at every position. */
            RESTARTED,
            /** An earlier attempt of the joiner's join left that position behind. */
            LEFT_BEHIND,
            /**
             * Another node stands at the very position the joiner asks for: the registry gives a
             * position only where that node never took its place, but two joiners through seed
             * nodes may both have chosen it from the same walked ring.
             */
            GIVEN_AWAY
        }
    }

    /**
     * Whether the joiner asks again for the join this node accepted last (its answer was lost, or its
     * pull failed, or a later position's failed): the same run of the joining node. Where the ring
     * changed behind the joiner meanwhile, it names another successor, and the earlier answer still
     * holds: the position is spliced in, and once ready it finds a successor that is gone itself.
     * A joiner that restarted since starts over. Without an incarnation, only the same successor
     * tells a repeat.
     */
    private boolean isRepeated(JoinRequest request) {
        AcceptedJoin accepted = acceptedJoins.get(request.joiner());
        if (accepted == null) {
            return false;
        }
        return request.incarnation() != null
                ? request.incarnation().equals(accepted.request().incarnation())
                : accepted.answer().successor().equals(request.successor());
    }

    /** Whether this node spliced {@code position} in for the run of the joining node that sends {@code request}. */
    private boolean acceptedInRun(NodeRef position, JoinRequest request) {
        AcceptedJoin accepted = acceptedJoins.get(position);
        return accepted != null && request.incarnation() != null && request.incarnation().equals(accepted.request().incarnation());
    }

    /** The answer given to a join, and the request it answered. */
    private record AcceptedJoin(JoinAccepted answer, JoinRequest request) {
    }

    /** The first replica of a range is the node before its owner: this one keeps its copies, unless there are no replicas. */
    private void beginHandoff(KeyRange range, NodeRef joiner) {
        if (properties.replicationFactor() > 1) {
            outbound.beginCopy(range, joiner);
        } else {
            outbound.beginMove(range, joiner);
        }
    }

    private static String describe(List<KeyRange> ranges) {
        return ranges.size() == 1 ? ranges.getFirst().toString() : ranges.toString();
    }

    /**
     * A range is handed to a joiner only once this node took in what its replicas hold of it since
     * its ring last changed: after it took over a dead node's range, say, the keys are on the
     * replicas alone, and a joiner pulling the range from here would get none of them.
     */
    private void requireReconciled() {
        if (!reconciliation.reconcileIfStale()) {
            throw RingProblems.busy("This node has not reconciled its ranges with their replicas since its ring changed.");
        }
    }

    private Neighborhood requireOwner() {
        Neighborhood neighborhood = node.neighborhood().orElse(null);
        if (neighborhood == null || !node.state().ownsRange()) {
            throw RingProblems.busy("This node is " + node.state().name().toLowerCase() + " and owns no range.");
        }
        return neighborhood;
    }
}
