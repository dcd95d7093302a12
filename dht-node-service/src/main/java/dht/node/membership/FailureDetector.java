package dht.node.membership;

import dht.core.NeighborView;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.node.config.NodeProperties;
import dht.node.observability.RingEvent;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerException;
import dht.node.peer.RegistryClient;
import dht.node.transfer.OutboundHandoffs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Optional;

/**
 * Probes the successor every {@code dht.probe-interval}; after {@code dht.failure-threshold}
 * probes in a row go unanswered and a last one given {@code dht.request-timeout} does too, it
 * declares the successor dead: it links to the next node that answers, takes over the dead node's
 * range, and has the registry drop it. A node that is only slow, or stalled for a few seconds on
 * a loaded machine, is not declared dead.
 */
@Component
class FailureDetector {

    private static final Logger log = LoggerFactory.getLogger(FailureDetector.class);

    private final LocalNode node;
    private final RingView ringView;
    private final PeerClient peers;
    private final RegistryClient registry;
    private final ApplicationEventPublisher events;
    private final NodeProperties properties;
    private final OutboundHandoffs outbound;
    private NodeRef watched;
    private int missed;

    FailureDetector(LocalNode node, RingView ringView, PeerClient peers, RegistryClient registry,
                    ApplicationEventPublisher events, NodeProperties properties, OutboundHandoffs outbound,
                    TaskScheduler scheduler) {
        this.outbound = outbound;
        this.node = node;
        this.ringView = ringView;
        this.peers = peers;
        this.registry = registry;
        this.events = events;
        this.properties = properties;
        scheduler.scheduleWithFixedDelay(this::probe, Instant.now().plus(properties.probeInterval()), properties.probeInterval());
    }

    synchronized void probe() {
        NeighborView view = node.view().orElse(null);
        if (view == null || node.state() != NodeState.READY || view.successor().equals(view.self())) {
            return;
        }
        NodeRef successor = view.successor();
        if (!successor.equals(watched)) {
            watched = successor;
            missed = 0;
        }
        if (peers.isAlive(successor)) {
            missed = 0;
            return;
        }
        missed++;
        log.warn("successor {} missed {} probe(s) in a row", successor, missed);
        if (missed >= properties.failureThreshold()) {
            // a process that is gone refuses the connection at once; only a hanging one costs this wait
            if (peers.isAlivePatiently(successor)) {
                log.warn("successor {} answered a last probe given {}: slow, not dead", successor, properties.requestTimeout());
                missed = 0;
                return;
            }
            declareDead(view, successor);
        }
    }

    private void declareDead(NeighborView view, NodeRef dead) {
        NodeRef replacement = nextLiveAfter(dead, view.self()).orElse(view.self());
        log.error("successor {} is dead; {} takes over its range, next successor {}", dead, view.self(), replacement);
        node.changeOwnership(() -> {
            NeighborView current = node.view().orElseThrow();
            if (current.successor().equals(dead)) {
                node.update(replacement.equals(current.self()) ? NeighborView.alone(current.self())
                        : current.withSuccessor(replacement), node.state());
            }
            return null;
        });
        ringView.remove(dead.id());
        outbound.abandon(dead);
        events.publishEvent(RingEvent.about("node-dead", dead));
        if (!replacement.equals(view.self())) {
            try {
                peers.setPredecessor(replacement, view.self());
            } catch (PeerException e) {
                log.warn("could not tell {} its new predecessor: {}", replacement, e.getBody().getDetail());
            }
        }
        try {
            registry.remove(dead.id());
        } catch (PeerException e) {
            log.warn("could not have the registry drop {}: {}", dead, e.getBody().getDetail());
        }
        watched = null;
        missed = 0;
    }

    /** The first node after {@code dead}, clockwise in the ring view, that answers a probe. */
    private Optional<NodeRef> nextLiveAfter(NodeRef dead, NodeRef self) {
        Ring ring = ringView.ring().with(dead);
        NodeRef candidate = ring.successorOf(dead.id());
        while (!candidate.equals(self) && !candidate.equals(dead)) {
            if (peers.isAlive(candidate)) {
                return Optional.of(candidate);
            }
            candidate = ring.successorOf(candidate.id());
        }
        return Optional.empty();
    }
}
