package dht.node.replication;

import dht.core.KeyRange;
import dht.core.NeighborView;
import dht.core.NodeRef;
import dht.core.wire.Entry;
import dht.core.wire.StoreCursor;
import dht.core.wire.TransferPage;
import dht.core.wire.TransferRequest;
import dht.node.config.NodeProperties;
import dht.node.membership.LocalNode;
import dht.node.membership.NodeState;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerException;
import dht.node.storage.KeyLocks;
import dht.node.storage.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Brings this node's range and its replicas' copies of it together: whenever the range or the
 * replicas change (a join, a leave, a takeover after a crash), and every
 * {@code dht.anti-entropy-interval}. For each replica it first takes in what the replica holds
 * of the range and then sends what it holds itself; the newer version of a key wins on both
 * sides, so that after a round every replica holds every key's newest copy.
 */
@Component
public class ReplicaSync {

    private static final Logger log = LoggerFactory.getLogger(ReplicaSync.class);

    private final LocalNode node;
    private final Replicator replicator;
    private final PeerClient peers;
    private final KeyValueStore store;
    private final KeyLocks locks;
    private final NodeProperties properties;
    private volatile Synced synced;

    ReplicaSync(LocalNode node, Replicator replicator, PeerClient peers, KeyValueStore store, KeyLocks locks,
                NodeProperties properties, TaskScheduler scheduler) {
        this.node = node;
        this.replicator = replicator;
        this.peers = peers;
        this.store = store;
        this.locks = locks;
        this.properties = properties;
        Duration check = properties.ringRefreshInterval();
        scheduler.scheduleWithFixedDelay(this::syncIfDue, Instant.now().plus(check), check);
    }

    /** Whether the last round covered the range and replicas this node has now. */
    public boolean inSync() {
        Synced last = synced;
        NeighborView view = node.view().orElse(null);
        return view != null && last != null && node.state() == NodeState.READY
                && last.range().equals(view.ownedRange()) && last.replicas().equals(replicator.replicasOf(view.self()));
    }

    synchronized void syncIfDue() {
        NeighborView view = node.view().orElse(null);
        if (view == null || node.state() != NodeState.READY) {
            return;
        }
        KeyRange range = view.ownedRange();
        List<NodeRef> replicas = replicator.replicasOf(view.self());
        Synced last = synced;
        boolean changed = last == null || !last.range().equals(range) || !last.replicas().equals(replicas);
        boolean due = last != null && Instant.now().isAfter(last.at().plus(properties.antiEntropyInterval()));
        if (!changed && !due) {
            return;
        }
        long pulled = 0;
        long pushed = 0;
        try {
            for (NodeRef replica : replicas) {
                pulled += takeIn(replica, range);
                pushed += sendOut(replica, range);
            }
        } catch (PeerException e) {
            log.warn("reconciling {} with its replicas failed ({}); trying again shortly", range, e.getBody().getDetail());
            return;
        }
        synced = new Synced(range, replicas, Instant.now());
        if (changed || pulled > 0) {
            log.info("reconciled {} with {}: {} newer copies taken in, {} entries sent", range, replicas, pulled, pushed);
        }
    }

    private long takeIn(NodeRef replica, KeyRange range) {
        long newer = 0;
        StoreCursor after = null;
        while (true) {
            TransferPage page = peers.readRange(replica, new TransferRequest(range, after, null, properties.transferBatchSize()));
            for (Entry entry : page.entries()) {
                if (locks.withLock(entry.key(), () -> store.putIfNewer(entry))) {
                    newer++;
                }
            }
            if (page.last() || page.entries().isEmpty()) {
                return newer;
            }
            after = page.entries().getLast().cursor();
        }
    }

    private long sendOut(NodeRef replica, KeyRange range) {
        long sent = 0;
        StoreCursor after = null;
        while (true) {
            List<Entry> page = store.scan(range, after, properties.transferBatchSize());
            if (page.isEmpty()) {
                return sent;
            }
            peers.replicate(replica, page);
            sent += page.size();
            after = page.getLast().cursor();
        }
    }

    private record Synced(KeyRange range, List<NodeRef> replicas, Instant at) {
    }
}
