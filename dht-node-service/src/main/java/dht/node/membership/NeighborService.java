package dht.node.membership;

import dht.core.KeyRange;
import dht.core.NeighborView;
import dht.core.NodeRef;
import dht.core.wire.Handover;
import dht.core.wire.JoinAccepted;
import dht.core.wire.JoinRequest;
import dht.node.config.NodeProperties;
import dht.node.peer.PeerException;
import dht.node.transfer.InboundTransfers;
import dht.node.transfer.InboundTransfers.Pending;
import dht.node.transfer.OutboundHandoffs;
import dht.node.transfer.TransferService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.util.Map;
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
    private final Map<NodeRef, JoinAccepted> acceptedJoins = new ConcurrentHashMap<>();

    NeighborService(LocalNode node, InboundTransfers inbound, OutboundHandoffs outbound, TransferService transfers,
                    RingView ringView, NodeProperties properties) {
        this.properties = properties;
        this.node = node;
        this.ringView = ringView;
        this.inbound = inbound;
        this.outbound = outbound;
        this.transfers = transfers;
    }

    /**
     * A node joins right after this one: it becomes the successor and takes over the keys from its
     * ID up to the old successor's, which it then pulls from here. Asking again gets the same answer.
     */
    public JoinAccepted acceptJoin(JoinRequest request) {
        NodeRef joiner = request.joiner();
        return node.changeOwnership(() -> {
            NeighborView view = requireOwner();
            if (view.successor().equals(joiner) && acceptedJoins.containsKey(joiner)) {
                return acceptedJoins.get(joiner);
            }
            if (joiner.id().equals(view.self().id())) {
                throw RingProblems.conflict("Node " + joiner + " has this node's ID " + view.self().id() + ".");
            }
            if (!view.owns(joiner.id())) {
                throw RingProblems.conflict("Node " + joiner + " does not fall in this node's range " + view.ownedRange() + ".");
            }
            if (!view.successor().equals(request.successor())) {
                throw RingProblems.conflict("This node's successor is " + view.successor() + ", not " + request.successor() + ".");
            }
            if (!inbound.all().isEmpty()) {
                throw RingProblems.busy("This node is still receiving " + inbound.all().getFirst().range() + ".");
            }
            KeyRange range = KeyRange.of(joiner.id(), view.successor().id());
            // the first replica of a range is the node before its owner: this one, unless there are none
            if (properties.replicationFactor() > 1) {
                outbound.beginCopy(range, joiner);
            } else {
                outbound.beginMove(range, joiner);
            }
            node.update(view.withSuccessor(joiner), node.state());
            JoinAccepted accepted = new JoinAccepted(view.self(), view.successor(), range);
            acceptedJoins.clear();
            acceptedJoins.put(joiner, accepted);
            ringView.add(joiner);
            log.info("{} joins after this node and takes over {}", joiner, range);
            return accepted;
        });
    }

    /** The node before this one is now {@code predecessor}. */
    public void predecessorIs(NodeRef predecessor) {
        node.changeOwnership(() -> {
            NeighborView view = node.view().orElseThrow(() -> RingProblems.busy("This node has not joined yet."));
            node.update(view.withPredecessor(predecessor), node.state());
            return null;
        });
    }

    /**
     * The successor leaves: this node takes over its range at once and pulls the keys from it in
     * the background.
     */
    public void acceptHandover(Handover handover) {
        Pending pending = node.changeOwnership(() -> {
            NeighborView view = requireOwner();
            if (!view.successor().equals(handover.from())) {
                throw RingProblems.conflict("This node's successor is " + view.successor() + ", not " + handover.from() + ".");
            }
            if (!handover.range().equals(KeyRange.of(handover.from().id(), handover.successor().id()))) {
                throw RingProblems.conflict("Node " + handover.from() + " cannot hand over " + handover.range() + ".");
            }
            NeighborView next = handover.successor().equals(view.self())
                    ? NeighborView.alone(view.self())
                    : view.withSuccessor(handover.successor());
            node.update(next, node.state());
            ringView.remove(handover.from().id());
            return inbound.begin(handover.range(), handover.from());
        });
        log.info("{} leaves; taking over {}", handover.from(), handover.range());
        Thread.ofVirtual().name("handover-" + handover.from().id()).start(() -> {
            try {
                transfers.pull(node.self().orElseThrow(), pending);
            } catch (PeerException e) {
                log.error("{} stopped handing over {}: {}", handover.from(), handover.range(), e.getBody().getDetail());
            } finally {
                node.changeOwnership(() -> {
                    inbound.finish(pending);
                    return null;
                });
            }
        });
    }

    private NeighborView requireOwner() {
        NeighborView view = node.view().orElse(null);
        if (view == null || !node.state().ownsRange()) {
            throw RingProblems.busy("This node is " + node.state().name().toLowerCase() + " and owns no range.");
        }
        return view;
    }
}
