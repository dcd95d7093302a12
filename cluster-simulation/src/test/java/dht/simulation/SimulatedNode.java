package dht.simulation;

import dht.core.HybridClock;
import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.node.config.NodeProperties;
import dht.node.keys.KeyCoordinator;
import dht.node.keys.KeyService;
import dht.node.keys.ListingService;
import dht.node.hints.HintStore;
import dht.node.hints.HintedHandoff;
import dht.node.membership.FailureDetector;
import dht.node.membership.JoinProcess;
import dht.node.membership.LeaveProcess;
import dht.node.membership.LocalNode;
import dht.node.membership.NeighborService;
import dht.node.membership.RemovedFromRing;
import dht.node.membership.RingRefresher;
import dht.node.membership.RingView;
import dht.node.membership.RingWalk;
import dht.node.replication.ReplicaSync;
import dht.node.replication.Replicator;
import dht.node.storage.Copies;
import dht.node.storage.InMemoryKeyValueStore;
import dht.node.storage.KeyLocks;
import dht.node.telemetry.DhtMetrics;
import dht.node.transfer.InboundTransfers;
import dht.node.transfer.OutboundHandoffs;
import dht.node.transfer.TransferService;
import dht.registry.membership.Membership;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.context.ApplicationEventPublisher;

import java.util.concurrent.CompletableFuture;

/**
 * One run of one node: the node service's own components, wired as the application wires them,
 * over the simulation's wire, scheduler and clock. Its store outlives it, as a data directory
 * outlives a process: a node started again on the same address gets it back.
 */
final class SimulatedNode {

    private final String address;
    private final RingPosition id;
    private final InMemoryKeyValueStore store;
    private boolean running = true;

    final LocalNode local;
    final KeyLocks locks;
    final Copies copies;
    final TransferService transfers;
    final NeighborService neighbors;
    final JoinProcess joinProcess;
    final LeaveProcess leaveProcess;
    final KeyService keys;
    final ListingService listing;
    final ReplicaSync replicaSync;
    final FailureDetector failureDetector;
    final HintedHandoff handoff;

    SimulatedNode(String address, InMemoryKeyValueStore store, HintStore hints, NodeProperties properties, EventLoop loop,
                  Faults faults, Network network, Membership registry) {
        this.address = address;
        this.id = RingPosition.ofAddress(address);
        this.store = store;
        SimulatedScheduler scheduler = new SimulatedScheduler(loop, faults, address, () -> running);
        JoinProcess[] joins = new JoinProcess[1];
        ApplicationEventPublisher events = event -> {
            if (event instanceof RemovedFromRing removed && running) {
                joins[0].rejoin(removed);
            }
        };
        locks = new KeyLocks(64);
        HybridClock clock = new HybridClock(loop::nowMillis);
        copies = new Copies(store, locks, clock);
        RingView ringView = new RingView(events);
        local = new LocalNode(ringView, events);
        InboundTransfers inbound = new InboundTransfers();
        OutboundHandoffs outbound = new OutboundHandoffs();
        DhtMetrics metrics = new DhtMetrics(new SimpleMeterRegistry(), store);
        SimulatedPeers peers = new SimulatedPeers(this, network);
        SimulatedRegistryClient registryClient = new SimulatedRegistryClient(this, network, registry);
        transfers = new TransferService(store, copies, outbound, peers, properties, metrics, events, scheduler);
        RingWalk ringWalk = new RingWalk(peers, local);
        failureDetector = new FailureDetector(local, ringView, peers, registryClient, events, properties, outbound,
                scheduler);
        RingRefresher refresher = new RingRefresher(local, ringView, registryClient, ringWalk, scheduler, properties, events,
                failureDetector);
        handoff = new HintedHandoff(hints, local, ringView, peers, registryClient, copies, properties, scheduler, metrics);
        Replicator replicator = new Replicator(local, ringView, peers, properties, copies, scheduler, handoff);
        replicaSync = new ReplicaSync(local, replicator, peers, store, copies, properties, transfers, scheduler, ringView, events);
        neighbors = new NeighborService(local, inbound, outbound, transfers, ringView, properties, scheduler, failureDetector,
                replicaSync);
        joinProcess = new JoinProcess(local, registryClient, peers, inbound, transfers, properties, refresher, ringWalk,
                neighbors, scheduler, store, handoff);
        joins[0] = joinProcess;
        leaveProcess = new LeaveProcess(local, registryClient, peers, outbound, store, joinProcess, events, properties, scheduler);
        keys = new KeyService(local, new KeyCoordinator(store, locks, inbound, peers, clock, replicator, copies, scheduler), peers,
                properties, metrics, replicator, ringView, scheduler, failureDetector);
        listing = new ListingService(store, inbound, local, ringView, replicator, peers, properties, scheduler);
    }

    String address() {
        return address;
    }

    RingPosition id() {
        return id;
    }

    NodeRef ref() {
        return new NodeRef(id, address);
    }

    InMemoryKeyValueStore store() {
        return store;
    }

    boolean running() {
        return running;
    }

    /** Starts as the application does once it listens: takes its place, then joins. */
    void start() {
        joinProcess.takePlace(address);
        joinProcess.startJoining();
    }

    /** Begins a graceful leave, as SIGTERM does. */
    CompletableFuture<Void> leave() {
        joinProcess.cancel();
        return leaveProcess.leave();
    }

    /** Stops in place, as SIGTERM does: DOWN, its predecessors told; the process then ends ({@link #stop}). */
    void goDown() {
        joinProcess.cancel();
        leaveProcess.goDown();
    }

    /** The process ends: nothing of it runs any more; its store stays. */
    void stop() {
        running = false;
        joinProcess.cancel();
    }

    boolean holdsALock() {
        return local.ownershipHeldByCurrentThread() || locks.heldByCurrentThread();
    }

    @Override
    public String toString() {
        return address;
    }
}
