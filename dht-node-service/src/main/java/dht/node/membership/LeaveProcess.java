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
import dht.node.time.NodeScheduler;
import dht.node.transfer.OutboundHandoffs.Handoff;
import dht.node.transfer.OutboundHandoffs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Leaves the ring gracefully when the application stops (SIGTERM), before the web server stops:
 * hands the range of each position to its predecessor, relinks the neighbors, waits until every key is taken over,
 * then deregisters.
 */
@Component
public class LeaveProcess implements SmartLifecycle {

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
    private final NodeScheduler scheduler;
    private volatile boolean running;
    /** An operator asked this node to leave ({@code POST /admin/leave}): its shutdown leaves, whatever {@code dht.leave-on-shutdown} says. */
    private volatile boolean leaveRequested;

    public LeaveProcess(LocalNode node, RegistryClient registry, PeerClient peers, OutboundHandoffs outbound, KeyValueStore store,
                        JoinProcess joinProcess, ApplicationEventPublisher events, NodeProperties properties,
                        NodeScheduler scheduler) {
        this.node = node;
        this.registry = registry;
        this.peers = peers;
        this.outbound = outbound;
        this.store = store;
        this.joinProcess = joinProcess;
        this.events = events;
        this.properties = properties;
        this.scheduler = scheduler;
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
            if (leaveRequested || properties.leaveOnShutdown()) {
                awaitLeft(leave());
            } else {
                goDown();
            }
        }
    }

    /** Makes this node's shutdown a leave of the ring. */
    public void requestLeave() {
        leaveRequested = true;
    }

    /**
     * Stops in place: the registry marks this node DOWN and each predecessor serves its ranges at
     * once, with no probe to wait for; it stays a member at its positions and takes them back when it
     * starts again on its data dir. From here on it owns nothing; the web server's graceful shutdown
     * lets the requests in flight finish.
     */
    public void goDown() {
        Neighborhood neighborhood = node.neighborhood().orElseThrow();
        NodeRef self = neighborhood.node();
        log.info("{} stops in place: DOWN until it starts again (dht.leave-on-shutdown=false)", self);
        try {
            registry.reportDown(self.id(), self.id());
        } catch (PeerFailure e) {
            log.warn("could not tell the registry {} is going down: {}", self, e.getMessage());
        }
        neighborhood.views().stream().map(NeighborView::predecessor).filter(predecessor -> !predecessor.sameNodeAs(self))
                .collect(Collectors.toMap(NodeRef::address, predecessor -> predecessor, (first, second) -> first, LinkedHashMap::new))
                .values().forEach(predecessor -> {
                    try {
                        peers.goingDown(predecessor, self);
                    } catch (PeerFailure e) {
                        log.warn("could not tell {} that {} is going down: {}; its probes find out", predecessor, self, e.getMessage());
                    }
                });
        node.changeOwnership(() -> {
            node.update(NodeState.STOPPING);
            return null;
        });
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

    /**
     * Begins to leave: from here on this node owns nothing, and each of its ranges goes to the
     * predecessor of its position. Completes once every range was taken over (or could not be
     * handed over) and the node deregistered. Ownership changes under the lock; every call to a peer
     * is made outside it.
     */
    public CompletableFuture<Void> leave() {
        NodeRef self = node.self().orElseThrow();
        awaitRegistryGoAhead(self);
        if (node.neighborhood().orElseThrow().isAlone()) {
            log.warn("{} is the last node of the ring; its {} keys go with it", self, store.size());
            left(self);
            return CompletableFuture.completedFuture(null);
        }
        List<NeighborView> leaving = node.changeOwnership(() -> {
            // positions next to each other go as one range, so that each range goes to another node
            Neighborhood merged = node.neighborhood().orElseThrow().withRunsMerged();
            node.update(merged, NodeState.LEAVING);
            return merged.views();
        });
        Instant deadline = scheduler.now().plus(properties.leaveTimeout());
        List<CompletableFuture<Void>> handoffs = new ArrayList<>();
        boolean allHandedOver = true;
        for (NeighborView view : leaving) {
            Optional<Handoff> handoff = handOver(view, deadline);
            if (handoff.isEmpty()) {
                allHandedOver = false;
                continue;
            }
            handoffs.add(handoff.get().done());
            NodeRef predecessor = handoff.get().recipient();
            try {
                peers.setPredecessor(view.successor(), predecessor);
            } catch (PeerFailure e) {
                log.warn("could not tell {} its new predecessor {}: {}", view.successor(), predecessor, e.getMessage());
            }
        }
        if (!allHandedOver) {
            // still a member: once this node is gone, its predecessor finds it dead and serves its range from the replicas
            return CompletableFuture.allOf(handoffs.toArray(CompletableFuture[]::new))
                    .thenRun(() -> node.update(NodeState.LEFT));
        }
        return CompletableFuture.allOf(handoffs.toArray(CompletableFuture[]::new)).thenRun(() -> left(self));
    }

    /**
     * Hands the range of one position to its predecessor. A predecessor that does not answer may be
     * gone: its own predecessor takes its place once it finds it dead, and tells this node so; the
     * handover is tried again with that one, until {@code dht.leave-timeout}. Empty if it never
     * went through.
     */
    private Optional<Handoff> handOver(NeighborView leaving, Instant deadline) {
        KeyRange range = leaving.ownedRange();
        NeighborView view = leaving;
        while (true) {
            NodeRef predecessor = view.predecessor();
            Handoff handoff = outbound.beginMove(range, predecessor);
            try {
                peers.handover(predecessor, new Handover(view.self(), view.successor(), range));
                return Optional.of(handoff);
            } catch (PeerFailure e) {
                outbound.cancel(handoff);
                if (scheduler.now().isAfter(deadline)) {
                    log.error("{} could not hand {} to {} within {}: {}; its {} keys stay here and on the replicas", view.self(),
                            range, predecessor, properties.leaveTimeout(), e.getMessage(), store.countIn(range));
                    return Optional.empty();
                }
                log.warn("{} could not hand {} to {}: {}; trying again in {}", view.self(), range, predecessor, e.getMessage(),
                        properties.retryInterval());
            }
            try {
                scheduler.pause(properties.retryInterval());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            view = node.neighborhood().flatMap(current -> current.viewAt(leaving.self().id())).orElse(view);
        }
    }

    /** Waits while another join or leave is in progress; leaves without the registry if it cannot be reached. */
    private void awaitRegistryGoAhead(NodeRef self) {
        Instant deadline = scheduler.now().plus(properties.leaveTimeout());
        while (true) {
            try {
                registry.leaving(self.id());
                return;
            } catch (PeerFailure e) {
                boolean busy = e.isRefusal(PeerFailure.Reason.BUSY);
                if (!busy || scheduler.now().isAfter(deadline)) {
                    log.warn("leaving without the registry's go-ahead: {}", e.getMessage());
                    return;
                }
                log.info("waiting to leave: {}", e.getMessage());
                try {
                    scheduler.pause(properties.retryInterval());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Waits, at most {@code dht.leave-timeout}, until the leave completes, logging what is left every few seconds. */
    private void awaitLeft(CompletableFuture<Void> leaving) {
        Instant deadline = scheduler.now().plus(properties.leaveTimeout());
        while (true) {
            try {
                leaving.get(PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                List<Handoff> left = outbound.all();
                if (scheduler.now().isAfter(deadline)) {
                    left.forEach(handoff -> log.error("{} keys of {} were not taken over by {} within {}",
                            store.countIn(handoff.range()), handoff.range(), handoff.recipient(), properties.leaveTimeout()));
                    return;
                }
                left.forEach(handoff -> log.info("handing {} to {}: {} keys sent, {} left", handoff.range(),
                        handoff.recipient(), handoff.keysSent().get(), store.countIn(handoff.range())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                throw new IllegalStateException("a leave never fails", e);
            }
        }
    }

    private void left(NodeRef self) {
        try {
            registry.remove(self.id());
        } catch (PeerFailure e) {
            log.warn("could not deregister {}: {}", self, e.getMessage());
        }
        node.update(NodeState.LEFT);
    }
}
