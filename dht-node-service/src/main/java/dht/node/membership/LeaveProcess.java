package dht.node.membership;

import dht.core.KeyRange;
import dht.core.NeighborView;
import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.wire.Handover;
import dht.node.config.NodeProperties;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;
import dht.node.peer.RegistryClient;
import dht.node.storage.KeyValueStore;
import dht.node.transfer.OutboundHandoffs;
import dht.node.transfer.OutboundHandoffs.Handoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Leaves the ring gracefully when the application stops (SIGTERM), before the web server stops:
 * hands the range of each position to its predecessor, relinks the neighbors, waits until every key is taken over,
 * then deregisters.
 */
@Component
class LeaveProcess implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LeaveProcess.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final LocalNode node;
    private final RegistryClient registry;
    private final PeerClient peers;
    private final OutboundHandoffs outbound;
    private final KeyValueStore store;
    private final JoinProcess joinProcess;
    private final ApplicationEventPublisher events;
    private final NodeProperties properties;
    private volatile boolean running;

    LeaveProcess(LocalNode node, RegistryClient registry, PeerClient peers, OutboundHandoffs outbound, KeyValueStore store,
                 JoinProcess joinProcess, ApplicationEventPublisher events, NodeProperties properties) {
        this.node = node;
        this.registry = registry;
        this.peers = peers;
        this.outbound = outbound;
        this.store = store;
        this.joinProcess = joinProcess;
        this.events = events;
        this.properties = properties;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        joinProcess.cancel();
        if (node.state() == NodeState.READY) {
            AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
            leave();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops before the web server does, which is still needed to hand the keys over. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    private void leave() {
        NodeRef self = node.self().orElseThrow();
        awaitRegistryGoAhead(self);
        if (node.neighborhood().orElseThrow().isAlone()) {
            log.warn("{} is the last node of the ring; its {} keys go with it", self, store.size());
            deregister(self);
            node.update(NodeState.LEFT);
            return;
        }
        Map<NeighborView, Handoff> handoffs = node.changeOwnership(() -> {
            // positions next to each other go as one range, so that each range goes to another node
            Neighborhood leaving = node.neighborhood().orElseThrow().withRunsMerged();
            node.update(leaving, node.state());
            Map<NeighborView, Handoff> started = new LinkedHashMap<>();
            for (NeighborView view : leaving.views()) {
                handOver(view).ifPresent(handoff -> started.put(view, handoff));
            }
            if (!started.isEmpty()) {
                node.update(NodeState.LEAVING);
            }
            return started;
        });
        if (handoffs.isEmpty()) {
            deregister(self);
            node.update(NodeState.LEFT);
            return;
        }
        for (NeighborView view : handoffs.keySet()) {
            try {
                peers.setPredecessor(view.successor(), view.predecessor());
            } catch (PeerFailure e) {
                log.warn("could not tell {} its new predecessor {}: {}", view.successor(), view.predecessor(), e.getMessage());
            }
        }
        handoffs.values().forEach(this::awaitHandoff);
        deregister(self);
        node.update(NodeState.LEFT);
    }

    /** Hands the range of one position to its predecessor; empty if the predecessor refused or did not answer. */
    private Optional<Handoff> handOver(NeighborView view) {
        KeyRange range = view.ownedRange();
        NodeRef predecessor = view.predecessor();
        Handoff handoff = outbound.beginMove(range, predecessor);
        try {
            peers.handover(predecessor, new Handover(view.self(), view.successor(), range));
            return Optional.of(handoff);
        } catch (PeerFailure e) {
            log.error("{} could not hand {} to {}: {}; its {} keys are lost", view.self(), range, predecessor,
                    e.getMessage(), store.countIn(range));
            return Optional.empty();
        }
    }

    /** Waits while another join or leave is in progress; leaves without the registry if it cannot be reached. */
    private void awaitRegistryGoAhead(NodeRef self) {
        Instant deadline = Instant.now().plus(properties.leaveTimeout());
        while (true) {
            try {
                registry.leaving(self.id());
                return;
            } catch (PeerFailure e) {
                boolean busy = e.isRefusal(PeerFailure.Reason.BUSY);
                if (!busy || Instant.now().isAfter(deadline)) {
                    log.warn("leaving without the registry's go-ahead: {}", e.getMessage());
                    return;
                }
                log.info("waiting to leave: {}", e.getMessage());
                try {
                    Thread.sleep(properties.retryInterval());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void awaitHandoff(Handoff handoff) {
        Instant deadline = Instant.now().plus(properties.leaveTimeout());
        while (true) {
            try {
                handoff.done().get(PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                long left = store.countIn(handoff.range());
                if (Instant.now().isAfter(deadline)) {
                    log.error("{} keys of {} were not taken over by {} within {}", left, handoff.range(),
                            handoff.recipient(), properties.leaveTimeout());
                    return;
                }
                log.info("handing {} to {}: {} keys sent, {} left", handoff.range(), handoff.recipient(),
                        handoff.keysSent().get(), left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                throw new IllegalStateException("a handoff future never fails", e);
            }
        }
    }

    private void deregister(NodeRef self) {
        try {
            registry.remove(self.id());
        } catch (PeerFailure e) {
            log.warn("could not deregister {}: {}", self, e.getMessage());
        }
    }
}
