package dht.node.membership;

import dht.core.NeighborView;
import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.wire.RingListing;
import dht.node.config.NodeProperties;
import dht.node.peer.PeerFailure;
import dht.node.peer.RegistryClient;
import dht.node.time.NodeScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps the {@link RingView} in step with the registry's ring while this node is a member, and
 * with the ring walked node by node while the registry does not answer.
 */
@Component
public class RingRefresher {

    private static final Logger log = LoggerFactory.getLogger(RingRefresher.class);

    private final LocalNode node;
    private final RingView view;
    private final RegistryClient registry;
    private final NodeProperties properties;
    private final RingWalk ringWalk;
    private final ApplicationEventPublisher events;
    private final FailureDetector failureDetector;
    private volatile boolean registryReachable = true;

    public RingRefresher(LocalNode node, RingView view, RegistryClient registry, RingWalk ringWalk, NodeScheduler scheduler,
                         NodeProperties properties, ApplicationEventPublisher events, FailureDetector failureDetector) {
        this.failureDetector = failureDetector;
        this.events = events;
        this.ringWalk = ringWalk;
        this.node = node;
        this.view = view;
        this.registry = registry;
        this.properties = properties;
        scheduler.runEvery(properties.ringRefreshInterval(), "ring-refresher", this::refresh);
    }

    void refresh() {
        if (!node.state().ownsRange()) {
            return;
        }
        try {
            RingListing listing = registry.ring();
            Ring ring = listing.ring();
            Neighborhood self = node.neighborhood().orElseThrow();
            if (!ring.contains(self.node().id()) && node.state() == NodeState.READY) {
                announce(self);
            }
            view.replace(RingView.withSelf(ring, self), listing.down());
            if (node.state() == NodeState.READY) {
                staleSuccessors(ring, self).forEach(stale -> failureDetector.positionGone(stale, ring));
                // another node's report, confirmed by the registry: serve the ranges of a DOWN successor now
                listing.down().forEach(member -> failureDetector.goingDown(member.ref()));
            }
            if (!registryReachable) {
                log.info("the registry answers again");
                registryReachable = true;
            }
        } catch (PeerFailure e) {
            if (registryReachable) {
                log.warn("cannot refresh the ring from the registry ({}); walking the ring instead until it answers",
                        e.getMessage());
                registryReachable = false;
            }
            walkTheRing();
        }
    }

    /**
     * Walks successor after successor, position after position. A walk that breaks off may have met
     * a successor of this node's that holds no place in the ring, or not that place: a joiner whose
     * join broke off. With the registry away nobody else closes such a position out, and every walk
     * through it, the joiner's own included, would break off there for good.
     */
    private void walkTheRing() {
        Neighborhood neighbors = node.neighborhood().filter(neighborhood -> !neighborhood.isAlone()).orElse(null);
        if (neighbors == null) {
            return;
        }
        try {
            view.replace(ringWalk.from(neighbors.atId()));
        } catch (PeerFailure | IllegalStateException e) {
            log.debug("walking the ring broke off: {}", e.getMessage());
            if (node.state() == NodeState.READY) {
                neighbors.views().stream().map(NeighborView::successor).distinct()
                        .filter(successor -> !successor.sameNodeAs(neighbors.node()))
                        .forEach(failureDetector::closeOutIfPlaceless);
            }
        }
    }

    /**
     * Successors standing at a position the registry lists for no one, on a node it lists at other
     * positions: left behind by a join of that node that broke off. The node answers its probes, so
     * only the registry's ring shows that nobody stands there.
     */
    private static List<NodeRef> staleSuccessors(Ring ring, Neighborhood self) {
        Set<String> listed = ring.nodes().stream().map(NodeRef::address).collect(Collectors.toSet());
        return self.views().stream().map(NeighborView::successor).distinct()
                .filter(successor -> !successor.sameNodeAs(self.node()) && listed.contains(successor.address())
                        && ring.nodeAt(successor.id()).isEmpty())
                .toList();
    }

    /**
     * The registry does not list this member: it restarted with nothing, and the members rebuild its
     * ring by announcing themselves. If instead it removed this node (declared dead while it was
     * only slow or cut off), it refuses: the neighbors closed the ring behind it, and the node joins
     * anew.
     */
    private void announce(Neighborhood neighborhood) {
        NodeRef self = neighborhood.node();
        try {
            registry.announce(self, properties.nodeId(), neighborhood.virtualPositions());
            log.info("the registry did not list {}; announced it", self);
        } catch (PeerFailure e) {
            if (e.isRefusal(PeerFailure.Reason.CONFLICT)) {
                log.error("the registry removed {} although it runs: {}", self, e.getMessage());
                events.publishEvent(new RemovedFromRing(self));
            } else {
                log.warn("could not announce {} to the registry: {}", self, e.getMessage());
            }
        }
    }
}
