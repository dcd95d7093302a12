package dht.node.keys;

import dht.core.HybridClock;
import dht.core.Key;
import dht.core.NodeRef;
import dht.core.wire.Entry;
import dht.node.membership.LocalNode;
import dht.node.peer.KeyFailure;
import dht.node.peer.KeyOptions;
import dht.node.peer.KeyOutcome;
import dht.node.peer.KeyRequest;
import dht.node.peer.PeerClient;
import dht.node.replication.Replicator;
import dht.node.storage.KeyLocks;
import dht.node.storage.KeyValueStore;
import dht.node.transfer.InboundTransfers.Pending;
import dht.node.transfer.InboundTransfers;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The owner's side of a key request: the local read or write that runs under the ownership lock,
 * and around it what needs other nodes: quorum reads and writes to the replicas, a condition's
 * catch-up read, the previous holder's copy while the key's range is arriving. {@link KeyService}
 * decides where a request is served and runs these steps when it is served here.
 */
@Component
public class KeyCoordinator {

    private final LocalNode node;
    private final KeyValueStore store;
    private final KeyLocks locks;
    private final InboundTransfers inbound;
    private final PeerClient peers;
    private final HybridClock clock;
    private final Replicator replicator;

    public KeyCoordinator(LocalNode node, KeyValueStore store, KeyLocks locks, InboundTransfers inbound, PeerClient peers,
                   HybridClock clock, Replicator replicator) {
        this.node = node;
        this.store = store;
        this.locks = locks;
        this.inbound = inbound;
        this.peers = peers;
        this.clock = clock;
        this.replicator = replicator;
    }

    /** A read's local part (under the ownership lock) and what follows it: the previous holder's copy if the range is arriving, the replicas. */
    Function<NodeRef, Finish> read(KeyRequest request) {
        Key key = request.key();
        int hops = request.hops();
        return self -> {
            Optional<Entry> stored = store.get(key.value());
            Optional<Pending> pending = inbound.pendingFor(key.position());
            return () -> {
                Optional<Entry> local = stored.isPresent() ? stored : fromSource(key, pending);
                Entry entry = newestOfQuorum(self, request, local)
                        .filter(e -> !e.tombstone())
                        .orElseThrow(() -> KeyFailure.notFound(self.id(), hops));
                return new KeyOutcome.Found(entry, self.id(), hops);
            };
        };
    }

    /** A write's local part, given what was fetched for it before the locks, and the copies to the replicas after them. */
    WriteStep put(KeyRequest request) {
        Key key = request.key();
        int hops = request.hops();
        return (self, source) -> {
            Written written = writeLocally(self, request, source,
                    current -> new Entry(key.value(), request.body(), request.contentType(), clock.stamp(self.id())));
            if (written == null) {
                return null;
            }
            return () -> {
                Entry entry = written.entry();
                requireQuorum(self, request, entry);
                return new KeyOutcome.Stored(key, entry.version(), !written.replaced(), self.id(), hops);
            };
        };
    }

    /** A delete's local part: a tombstone, if there is a value to delete; then its copies. */
    WriteStep delete(KeyRequest request) {
        Key key = request.key();
        int hops = request.hops();
        return (self, source) -> {
            Written written = writeLocally(self, request, source, current -> {
                if (current.filter(held -> !held.tombstone()).isEmpty()) {
                    throw KeyFailure.notFound(self.id(), hops);
                }
                return Entry.tombstone(key.value(), clock.stamp(self.id()));
            });
            if (written == null) {
                return null;
            }
            return () -> {
                requireQuorum(self, request, written.entry());
                return new KeyOutcome.Deleted(self.id(), hops);
            };
        };
    }

    /**
     * Stores what {@code write} makes of the key's current value, under the key's lock and once the
     * request's conditions hold; null when the previous holder's copy fetched for it went stale
     * (a transfer of the key's range began or ended since).
     */
    private Written writeLocally(NodeRef self, KeyRequest request, SourceCopy source, Function<Optional<Entry>, Entry> write) {
        Key key = request.key();
        Optional<Pending> pending = inbound.pendingFor(key.position());
        if (source.isStaleFor(pending)) {
            return null;
        }
        return locks.withLock(key.value(), () -> {
            Optional<Entry> current = currentTouching(key, pending, source);
            requirePreconditions(request, current, self);
            Entry stamped = write.apply(current);
            store.put(stamped);
            return new Written(stamped, current.filter(previous -> !previous.tombstone()).isPresent());
        });
    }

    /** Before a write's locks: a condition's catch-up, and the previous holder's copy if the key's range is arriving here. */
    SourceCopy prepareWrite(KeyRequest request) {
        Key key = request.key();
        Optional<NodeRef> self = node.self();
        if (self.isEmpty() || !node.route(key.position()).local()) {
            return SourceCopy.NONE; // forwarded: the owner prepares it
        }
        Optional<Pending> pending = inbound.pendingFor(key.position());
        Optional<Entry> atSource = pending.filter(p -> !p.wasTouched(key.value()))
                .flatMap(p -> peers.fetch(p.source(), key.value()));
        if (request.options().conditional()) {
            // right after a failover the new owner's copy may trail a replica's: a condition is checked against the newest
            newestOfQuorum(self.get(), request, Entry.newer(store.get(key.value()), atSource));
        }
        return new SourceCopy(pending, atSource);
    }

    /**
     * Copies the write to the replicas; unless enough confirm it in time ({@code ?w=}, else
     * {@code dht.write-quorum}), it is not acknowledged.
     */
    private void requireQuorum(NodeRef self, KeyRequest request, Entry entry) {
        List<NodeRef> replicas = replicator.replicasOf(request.key().position());
        Integer asked = request.options().writeQuorum();
        int needed = (asked != null ? asked : replicator.quorum(replicas)) - 1;
        int confirmed = replicator.replicate(entry, replicas, needed, request.deadline());
        if (confirmed < needed) {
            throw KeyFailure.noWriteQuorum(confirmed + 1, needed + 1, self.id(), request.hops());
        }
    }

    /**
     * The newest copy among this node's and those of the replicas asked ({@code ?r=}, else
     * {@code dht.read-quorum}, copies in all); fewer answers than that and the read fails.
     */
    private Optional<Entry> newestOfQuorum(NodeRef self, KeyRequest request, Optional<Entry> local) {
        List<NodeRef> replicas = replicator.replicasOf(request.key().position());
        Integer asked = request.options().readQuorum();
        int needed = (asked != null ? asked : replicator.readQuorum(replicas)) - 1;
        Replicator.Read read = replicator.newest(request.key().value(), local, replicas, needed, request.deadline());
        if (read.answered() < needed) {
            throw KeyFailure.noReadQuorum(read.answered() + 1, needed + 1, self.id(), request.hops());
        }
        return read.newest();
    }

    private void requirePreconditions(KeyRequest request, Optional<Entry> current, NodeRef self) {
        if (!Preconditions.hold(request.options(), current)) {
            throw KeyFailure.preconditionFailed(current.filter(entry -> !entry.tombstone()).map(Entry::version), self.id(),
                    request.hops());
        }
    }

    /**
     * The value this write replaces. While the key's range is still arriving that may be the
     * previous holder's copy (fetched before the locks); the key is then marked written, so that
     * the transfer leaves it alone.
     */
    private Optional<Entry> currentTouching(Key key, Optional<Pending> pending, SourceCopy source) {
        Optional<Entry> stored = store.get(key.value());
        if (pending.isEmpty()) {
            return stored;
        }
        Optional<Entry> atSource = pending.get().wasTouched(key.value()) ? Optional.empty() : source.copy();
        pending.get().touched(key.value());
        return Entry.newer(stored, atSource);
    }

    /**
     * The entry a read found missing here while this key's range is still arriving: the previous
     * holder's copy, looked up here once more afterwards in case the transfer delivered it meanwhile.
     */
    private Optional<Entry> fromSource(Key key, Optional<Pending> pending) {
        if (pending.isEmpty() || pending.get().wasTouched(key.value())) {
            return Optional.empty();
        }
        return peers.fetch(pending.get().source(), key.value()).or(() -> store.get(key.value()));
    }

    /** The part of a local request that runs after the ownership lock is let go. */
    @FunctionalInterface
    interface Finish {
        KeyOutcome complete();
    }

    /** The local part of a write, under the ownership lock, given what was fetched for it before. */
    @FunctionalInterface
    interface WriteStep {
        Finish apply(NodeRef self, SourceCopy source);
    }

    /** The previous holder's copy of a key, fetched before a write's locks, for the transfer that was pending then. */
    record SourceCopy(Optional<Pending> pending, Optional<Entry> copy) {

        static final SourceCopy NONE = new SourceCopy(Optional.empty(), Optional.empty());

        /** Whether a transfer began or ended since: the copy is not the one the write needs. */
        boolean isStaleFor(Optional<Pending> now) {
            return pending.orElse(null) != now.orElse(null);
        }
    }

    private record Written(Entry entry, boolean replaced) {
    }
}
