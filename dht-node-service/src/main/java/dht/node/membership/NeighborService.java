package dht.node.membership;

import dht.core.KeyRange;
import dht.core.NeighborView;
import dht.core.Neighborhood;
import dht.core.NodeRef;
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
    private final Map<NodeRef, JoinAccepted> acceptedJoins = new ConcurrentHashMap<>();

    public NeighborService(LocalNode node, InboundTransfers inbound, OutboundHandoffs outbound, TransferService transfers,
                           RingView ringView, NodeProperties properties, NodeScheduler scheduler,
                           FailureDetector failureDetector) {
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
        node.neighborhood().flatMap(neighborhood -> staleSplice(neighborhood, request))
                .filter(view -> !isRepeated(request))
                .ifPresent(view -> failureDetector.restarted(view.successor()));
        return node.changeOwnership(() -> {
            Neighborhood neighborhood = requireOwner();
            if (neighborhood.viewBefore(joiner).isPresent() && isRepeated(request)) {
                JoinAccepted accepted = acceptedJoins.get(joiner);
                // the joiner lost the answer, or gave up its pull: it pulls again, from the start
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
            acceptedJoins.put(joiner, accepted);
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
     * joiner no longer builds on that splice: it restarted and asks for the same position again, or
     * an earlier attempt of a join at several positions broke off and the joiner now asks for a
     * position past the one it was spliced in at (the registry, which does not list it yet, plans
     * its positions without that one); or the registry gave the position of a node it removed, which
     * still answers (joining again), to the joiner. Either way the member that was there is gone.
     */
    private static Optional<NeighborView> staleSplice(Neighborhood neighborhood, JoinRequest request) {
        NodeRef joiner = request.joiner();
        Optional<NeighborView> before = neighborhood.viewBefore(joiner);
        if (before.isPresent()) {
            return before;
        }
        NeighborView closest = neighborhood.views().stream()
                .min(Comparator.comparing((NeighborView view) -> view.self().id().distanceTo(joiner.id()), Long::compareUnsigned))
                .orElseThrow();
        NodeRef successor = closest.successor();
        boolean passedOver = successor.sameNodeAs(joiner) && !successor.equals(request.successor())
                && KeyRange.of(closest.self().id(), joiner.id()).contains(successor.id());
        // the registry gives a position only where no member stands: another node there is gone from it
        boolean givenAway = successor.id().equals(joiner.id()) && !successor.sameNodeAs(joiner);
        return passedOver || givenAway ? Optional.of(closest) : Optional.empty();
    }

    /**
     * Whether the joiner asks again for the join this node accepted last (its answer was lost, or its
     * pull failed): the same joiner between the same neighbors. A joiner that names another
     * successor restarted since, and the ring changed behind it meanwhile.
     */
    private boolean isRepeated(JoinRequest request) {
        JoinAccepted accepted = acceptedJoins.get(request.joiner());
        return accepted != null && accepted.successor().equals(request.successor());
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

    private Neighborhood requireOwner() {
        Neighborhood neighborhood = node.neighborhood().orElse(null);
        if (neighborhood == null || !node.state().ownsRange()) {
            throw RingProblems.busy("This node is " + node.state().name().toLowerCase() + " and owns no range.");
        }
        return neighborhood;
    }
}
