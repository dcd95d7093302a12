package dht.node.replication;

import dht.core.KeyRange;
import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.wire.DigestRequest;
import dht.core.wire.RangeDigest;
import dht.core.wire.StoreCursor;
import dht.core.wire.TransferPage;
import dht.core.wire.TransferRequest;
import dht.node.config.NodeProperties;
import dht.node.membership.LocalNode;
import dht.node.membership.NodeState;
import dht.node.membership.RangeReconciliation;
import dht.node.membership.RingView;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;
import dht.node.storage.Copies;
import dht.node.storage.KeyValueStore;
import dht.node.telemetry.RingEvent;
import dht.node.time.NodeScheduler;
import dht.node.transfer.TransferService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Brings each range this node owns and its replicas' copies of it together: whenever its neighbors, its
 * state or its replicas change (a join, a leave, a takeover after a crash, a rejoin), and every
 * {@code dht.anti-entropy-interval}. It compares digests of the range cut into arcs with each
 * replica's and, for the arcs that differ only, first takes in what the replica holds and then
 * sends what it holds itself; the newer version of a key wins on both sides, so that after a
 * round every replica holds every key's newest copy, without copying what already agrees.
 */
@Component
public class ReplicaSync implements RangeReconciliation {

    private static final Logger log = LoggerFactory.getLogger(ReplicaSync.class);

    private final LocalNode node;
    private final Replicator replicator;
    private final PeerClient peers;
    private final KeyValueStore store;
    private final Copies copies;
    private final NodeProperties properties;
    private final TransferService transfers;
    private final NodeScheduler scheduler;
    private final RingView ringView;
    private final ApplicationEventPublisher events;
    private volatile Synced synced;

    public ReplicaSync(LocalNode node, Replicator replicator, PeerClient peers, KeyValueStore store, Copies copies,
                       NodeProperties properties, TransferService transfers, NodeScheduler scheduler, RingView ringView,
                       ApplicationEventPublisher events) {
        this.ringView = ringView;
        this.events = events;
        this.scheduler = scheduler;
        this.transfers = transfers;
        this.node = node;
        this.replicator = replicator;
        this.peers = peers;
        this.store = store;
        this.copies = copies;
        this.properties = properties;
        scheduler.runEvery(properties.ringRefreshInterval(), "replica-sync", this::syncIfDue);
    }

    /** Whether the last round covered this node's neighbors, state and replicas as they are now. */
    public boolean inSync() {
        Synced last = synced;
        Neighborhood neighborhood = node.neighborhood().orElse(null);
        return neighborhood != null && last != null && node.state() == NodeState.READY
                && last.nodeChanges() == node.changes() && last.replicas().equals(replicasByRange(neighborhood));
    }

    @Override
    public boolean reconcileIfStale() {
        if (!inSync()) {
            syncIfDue();
        }
        return inSync();
    }

    public synchronized void syncIfDue() {
        Neighborhood neighborhood = node.neighborhood().orElse(null);
        if (neighborhood == null || node.state() != NodeState.READY) {
            return;
        }
        long nodeChanges = node.changes();
        Map<KeyRange, List<NodeRef>> replicas = replicasByRange(neighborhood);
        Synced last = synced;
        boolean changed = last == null || last.nodeChanges() != nodeChanges || !last.replicas().equals(replicas);
        // a replica that did not answer is met again at the next tick; the others were not kept waiting for it
        boolean due = last != null && (!last.everyReplica() || scheduler.now().isAfter(last.at().plus(properties.antiEntropyInterval())));
        if (!changed && !due) {
            return;
        }
        boolean everyReplica = true;
        for (Map.Entry<KeyRange, List<NodeRef>> range : replicas.entrySet()) {
            // a replica a range did not have in the last round (one removed, another in its place) is given the range now
            List<NodeRef> before = last == null ? range.getValue() : replicasBefore(last, range.getKey());
            everyReplica &= sync(range.getKey(), range.getValue(), replica -> !before.contains(replica));
        }
        synced = new Synced(nodeChanges, replicas, scheduler.now(), everyReplica);
    }

    /** The replicas the last round gave the keys at the start of {@code range} (a range may have been cut or merged since). */
    private static List<NodeRef> replicasBefore(Synced last, KeyRange range) {
        return last.replicas().entrySet().stream()
                .filter(before -> before.getKey().contains(range.start()))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(List.of());
    }

    /**
     * The ranges this node owns, one per position, each with its replicas; a range that reaches over
     * the positions of DOWN members (which this node serves while they are away) cut there, since
     * each part keeps its own member's replicas.
     */
    private Map<KeyRange, List<NodeRef>> replicasByRange(Neighborhood neighborhood) {
        Map<KeyRange, List<NodeRef>> replicas = new LinkedHashMap<>();
        List<RingPosition> downPositions = ringView.down().nodes().stream()
                .flatMap(member -> ringView.down().positionsOf(member.id()).stream()).sorted().toList();
        for (KeyRange range : neighborhood.ownedRanges()) {
            for (KeyRange part : cutAt(range, downPositions)) {
                replicas.put(part, replicator.replicasOf(part.start()));
            }
        }
        return replicas;
    }

    private static List<KeyRange> cutAt(KeyRange range, List<RingPosition> positions) {
        List<RingPosition> inside = positions.stream()
                .filter(position -> !position.equals(range.start()) && range.contains(position))
                .sorted(Comparator.comparing(position -> range.start().distanceTo(position), Long::compareUnsigned))
                .toList();
        List<KeyRange> parts = new ArrayList<>();
        RingPosition start = range.start();
        for (RingPosition cut : inside) {
            parts.add(KeyRange.of(start, cut));
            start = cut;
        }
        parts.add(KeyRange.of(start, range.end()));
        return parts;
    }

    /**
     * Reconciles the range with each replica that answers; answers whether every one did. What a
     * replica {@code new} to the range was sent is announced ({@code re-replicated}): restoring the
     * replication factor after a removal is this, range by range.
     */
    private boolean sync(KeyRange range, List<NodeRef> replicas, Predicate<NodeRef> isNew) {
        RangeDigest local = null;
        boolean everyReplica = true;
        for (NodeRef replica : replicas) {
            if (ringView.isDown(replica)) {
                continue; // it syncs its ranges as it joins again
            }
            if (local == null) {
                local = transfers.digest(DigestRequest.of(range));
            }
            try {
                Reconciled reconciled = reconcile(range, replica, local);
                if (reconciled.takenIn() > 0) {
                    local = null; // what this replica sent changed it: the next one is compared with a fresh digest
                }
                if (isNew.test(replica)) {
                    events.publishEvent(RingEvent.transfer("re-replicated", node.self().orElseThrow(), replica, range, reconciled.sent()));
                }
            } catch (PeerFailure e) {
                log.warn("reconciling {} with {} failed ({}); trying again shortly", range, replica, e.getMessage());
                everyReplica = false;
            }
        }
        return everyReplica;
    }

    /** How many newer copies a replica gave, and how many entries it was sent. */
    private record Reconciled(long takenIn, long sent) {
    }

    private Reconciled reconcile(KeyRange range, NodeRef replica, RangeDigest local) {
        List<KeyRange> differing = local.differingArcs(peers.digest(replica, DigestRequest.of(range)));
        long pulled = 0;
        long pushed = 0;
        for (KeyRange arc : differing) {
            pulled += takeIn(replica, arc);
            pushed += sendOut(replica, arc);
        }
        if (!differing.isEmpty()) {
            log.info("reconciled {} with {}: {} of {} arcs differed, {} newer copies taken in, {} entries sent",
                    range, replica, differing.size(), local.parts().size(), pulled, pushed);
        }
        return new Reconciled(pulled, pushed);
    }

    private long takeIn(NodeRef replica, KeyRange range) {
        long newer = 0;
        StoreCursor after = null;
        while (true) {
            TransferPage page = peers.readRange(replica, new TransferRequest(range, after, null, properties.transferBatchSize()));
            newer += copies.keepNewer(page.entries());
            if (page.last() || page.entries().isEmpty()) {
                return newer;
            }
            after = page.entries().getLast().cursor();
        }
    }

    private long sendOut(NodeRef replica, KeyRange range) {
        AtomicLong sent = new AtomicLong();
        store.forEachPage(range, properties.transferBatchSize(), page -> {
            peers.replicate(replica, page);
            sent.addAndGet(page.size());
        });
        return sent.get();
    }

    /** A round: for the neighbors and state as of {@code nodeChanges}, with the replicas of each range, and whether each answered. */
    private record Synced(long nodeChanges, Map<KeyRange, List<NodeRef>> replicas, Instant at, boolean everyReplica) {
    }
}
