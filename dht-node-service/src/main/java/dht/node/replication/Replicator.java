package dht.node.replication;

import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.wire.Entry;
import dht.node.config.NodeProperties;
import dht.node.membership.RingView;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerException;
import dht.node.storage.KeyLocks;
import dht.node.storage.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Copies an owner's writes to the nodes before it on the ring, which take over its range when it
 * fails, and says how many copies were confirmed in time.
 */
@Component
public class Replicator {

    private static final Logger log = LoggerFactory.getLogger(Replicator.class);

    private final RingView ringView;
    private final PeerClient peers;
    private final NodeProperties properties;
    private final KeyValueStore store;
    private final KeyLocks locks;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    Replicator(RingView ringView, PeerClient peers, NodeProperties properties, KeyValueStore store, KeyLocks locks) {
        this.store = store;
        this.locks = locks;
        this.ringView = ringView;
        this.peers = peers;
        this.properties = properties;
    }

    /** The other holders of the keys {@code self} owns: its {@code replication-factor - 1} predecessors. */
    public List<NodeRef> replicasOf(NodeRef self) {
        Ring ring = ringView.ring();
        Ring withSelf = ring.contains(self.id()) ? ring : ring.without(self.id()).with(self);
        return withSelf.replicasOf(self.id(), properties.replicationFactor()).stream()
                .filter(node -> !node.equals(self))
                .toList();
    }

    /** How many copies a write needs, this node's included, given how many nodes can hold one. */
    public int quorum(NodeRef self) {
        return Math.min(properties.effectiveWriteQuorum(), replicasOf(self).size() + 1);
    }

    /** How many copies a read consults, this node's included, given how many nodes can hold one. */
    public int readQuorum(NodeRef self) {
        return Math.min(properties.effectiveReadQuorum(), replicasOf(self).size() + 1);
    }

    /**
     * Sends {@code entry} to every replica and waits, at most {@code dht.request-timeout}, until
     * {@code needed} of them confirmed it; answers how many did. The rest still get their copy.
     */
    public int replicate(NodeRef self, Entry entry, int needed) {
        List<NodeRef> replicas = replicasOf(self);
        if (needed <= 0 || replicas.isEmpty()) {
            return 0;
        }
        AtomicInteger confirmed = new AtomicInteger();
        AtomicInteger outstanding = new AtomicInteger(replicas.size());
        CompletableFuture<Void> enough = new CompletableFuture<>();
        for (NodeRef replica : replicas) {
            CompletableFuture.runAsync(() -> peers.replicate(replica, List.of(entry)), executor)
                    .whenComplete((ok, failure) -> {
                        if (failure == null) {
                            if (confirmed.incrementAndGet() >= needed) {
                                enough.complete(null);
                            }
                        } else {
                            log.debug("copy of {} to {} failed: {}", entry.key(), replica, failure.getMessage());
                        }
                        if (outstanding.decrementAndGet() == 0) {
                            enough.complete(null);
                        }
                    });
        }
        try {
            enough.get(properties.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.debug("copies of {} not all confirmed in time", entry.key());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return confirmed.get();
    }

    /**
     * The newest of this node's copy and those of {@code others} replicas, asked in parallel; for
     * each that cannot answer in time the next replica is asked, as long as there is one. A newer
     * copy found elsewhere also replaces the local one.
     */
    public Read newest(NodeRef self, String key, Optional<Entry> local, int others) {
        List<NodeRef> replicas = replicasOf(self);
        Optional<Entry> newest = local;
        int answered = 0;
        int next = 0;
        while (answered < others && next < replicas.size()) {
            List<CompletableFuture<Optional<Entry>>> reads = replicas.subList(next, Math.min(replicas.size(), next + others - answered))
                    .stream()
                    .map(replica -> CompletableFuture.supplyAsync(() -> peers.fetch(replica, key), executor)
                            .orTimeout(properties.requestTimeout().toMillis(), TimeUnit.MILLISECONDS))
                    .toList();
            next += reads.size();
            for (CompletableFuture<Optional<Entry>> read : reads) {
                try {
                    Optional<Entry> copy = read.join();
                    answered++;
                    newest = Entry.newer(newest, copy);
                } catch (CompletionException unanswered) {
                    log.debug("a replica did not answer for {}: {}", key, unanswered.getCause().getMessage());
                }
            }
        }
        if (newest.isPresent() && newest != local) {
            Entry repair = newest.get();
            locks.withLock(key, () -> store.putIfNewer(repair));
        }
        return new Read(newest, answered);
    }

    /** The newest copy a read found, and how many replicas besides this node answered. */
    public record Read(Optional<Entry> newest, int answered) {
    }

    /** Pushes entries to one replica, answering whether it took them. */
    public boolean push(NodeRef replica, List<Entry> entries) {
        try {
            peers.replicate(replica, entries);
            return true;
        } catch (PeerException e) {
            log.warn("could not copy {} entries to {}: {}", entries.size(), replica, e.getBody().getDetail());
            return false;
        }
    }

}
