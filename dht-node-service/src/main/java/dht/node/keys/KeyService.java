package dht.node.keys;

import dht.core.HybridClock;
import dht.core.Key;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.wire.DhtHeaders;
import dht.core.wire.Entry;
import dht.core.wire.KeyWritten;
import dht.node.config.NodeProperties;
import dht.node.membership.LocalNode.Route;
import dht.node.membership.LocalNode;
import dht.node.membership.RingView;
import dht.node.peer.KeyOptions;
import dht.node.peer.KeyRequest;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;
import dht.node.replication.Replicator;
import dht.node.storage.KeyLocks;
import dht.node.storage.KeyValueStore;
import dht.node.telemetry.DhtMetrics;
import dht.node.transfer.InboundTransfers.Pending;
import dht.node.transfer.InboundTransfers;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Serves a key here when this node owns it, else forwards it one hop toward the owner. Ownership
 * cannot change while a local read or write is under way; forwarding happens outside that.
 */
@Service
public class KeyService {

    private final LocalNode node;
    private final KeyValueStore store;
    private final KeyLocks locks;
    private final InboundTransfers inbound;
    private final PeerClient peers;
    private final HybridClock clock;
    private final NodeProperties properties;
    private final DhtMetrics metrics;
    private final Replicator replicator;
    private final RingView ringView;

    KeyService(LocalNode node, KeyValueStore store, KeyLocks locks, InboundTransfers inbound, PeerClient peers,
               HybridClock clock, NodeProperties properties, DhtMetrics metrics, Replicator replicator, RingView ringView) {
        this.replicator = replicator;
        this.ringView = ringView;
        this.node = node;
        this.store = store;
        this.locks = locks;
        this.inbound = inbound;
        this.peers = peers;
        this.clock = clock;
        this.properties = properties;
        this.metrics = metrics;
    }

    public ResponseEntity<?> get(Key key, int hops, KeyOptions options) {
        return serve(KeyRequest.read(key, hops, options), self -> {
            Optional<Entry> stored = store.get(key.value());
            Optional<Pending> pending = inbound.pendingFor(key.position());
            return () -> {
                Optional<Entry> local = stored.isPresent() ? stored : fromSource(key, pending);
                Entry entry = newestOfQuorum(self, key, local, options, hops)
                        .filter(e -> !e.tombstone())
                        .orElseThrow(() -> KeyProblems.notFound(key.value(), self.id(), hops));
                return value(entry, self.id(), hops);
            };
        });
    }

    public ResponseEntity<?> put(Key key, byte[] value, String contentType, int hops, KeyOptions options) {
        return serveWrite(KeyRequest.write(key, hops, value, contentType, options), (self, source) -> {
            Optional<Pending> pending = inbound.pendingFor(key.position());
            if (source.isStaleFor(pending)) {
                return null;
            }
            Written written = locks.withLock(key.value(), () -> {
                Optional<Entry> current = currentTouching(key, pending, source);
                requirePreconditions(options, current, self, hops);
                Entry stamped = new Entry(key.value(), value, contentType, clock.stamp(self.id()));
                store.put(stamped);
                return new Written(stamped, current.filter(previous -> !previous.tombstone()).isPresent());
            });
            return () -> {
                Entry entry = written.entry();
                requireQuorum(self, key, entry, options, hops);
                return ResponseEntity.status(written.replaced() ? HttpStatus.OK : HttpStatus.CREATED)
                        .headers(KeyHeaders.of(self.id(), hops))
                        .eTag(entry.version().toString())
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(new KeyWritten(key.value(), key.position(), self.id(), entry.version()));
            };
        });
    }

    public ResponseEntity<?> delete(Key key, int hops, KeyOptions options) {
        return serveWrite(KeyRequest.delete(key, hops, options), (self, source) -> {
            Optional<Pending> pending = inbound.pendingFor(key.position());
            if (source.isStaleFor(pending)) {
                return null;
            }
            Entry tombstone = locks.withLock(key.value(), () -> {
                Optional<Entry> current = currentTouching(key, pending, source);
                requirePreconditions(options, current, self, hops);
                if (current.filter(held -> !held.tombstone()).isEmpty()) {
                    throw KeyProblems.notFound(key.value(), self.id(), hops);
                }
                Entry stamped = Entry.tombstone(key.value(), clock.stamp(self.id()));
                store.put(stamped);
                return stamped;
            });
            return () -> {
                requireQuorum(self, key, tombstone, options, hops);
                return ResponseEntity.noContent().headers(KeyHeaders.of(self.id(), hops)).build();
            };
        });
    }

    /**
     * A write: what it needs from other nodes is fetched before any lock is taken (the newest copy
     * of a read quorum for a condition; the previous holder's copy while the key's range is still
     * arriving), then the local write runs under the ownership and key locks, then the copies go to
     * the replicas outside them. Should a transfer of the key's range begin or end between the two,
     * the copy fetched is of no use and the write starts over, a few times at most.
     */
    private ResponseEntity<?> serveWrite(KeyRequest request, WriteStep write) {
        requireServable(request);
        for (int attempt = 1; attempt <= 3; attempt++) {
            SourceCopy source = prepareWrite(request);
            ResponseEntity<?> response = serve(request, self -> write.apply(self, source));
            if (response != null) {
                return response;
            }
        }
        throw KeyProblems.ringChanging(node.self().map(NodeRef::id).orElse(null), request.hops());
    }

    /** Before a write's locks: a condition's catch-up, and the previous holder's copy if the key's range is arriving here. */
    private SourceCopy prepareWrite(KeyRequest request) {
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
            newestOfQuorum(self.get(), key, Entry.newer(store.get(key.value()), atSource), request.options(), request.hops());
        }
        return new SourceCopy(pending, atSource);
    }

    /**
     * Copies the write to the replicas; unless enough confirm it in time ({@code ?w=}, else
     * {@code dht.write-quorum}), it is not acknowledged.
     */
    private void requireQuorum(NodeRef self, Key key, Entry entry, KeyOptions options, int hops) {
        List<NodeRef> replicas = replicator.replicasOf(key.position());
        int needed = (options.writeQuorum() != null ? options.writeQuorum() : replicator.quorum(replicas)) - 1;
        int confirmed = replicator.replicate(entry, replicas, needed);
        if (confirmed < needed) {
            throw KeyProblems.noQuorum(confirmed + 1, needed + 1, self.id(), hops);
        }
    }

    /**
     * The newest copy among this node's and those of the replicas asked ({@code ?r=}, else
     * {@code dht.read-quorum}, copies in all); fewer answers than that and the read fails.
     */
    private Optional<Entry> newestOfQuorum(NodeRef self, Key key, Optional<Entry> local, KeyOptions options, int hops) {
        List<NodeRef> replicas = replicator.replicasOf(key.position());
        int needed = (options.readQuorum() != null ? options.readQuorum() : replicator.readQuorum(replicas)) - 1;
        Replicator.Read read = replicator.newest(key.value(), local, replicas, needed);
        if (read.answered() < needed) {
            throw KeyProblems.noReadQuorum(read.answered() + 1, needed + 1, self.id(), hops);
        }
        return read.newest();
    }

    private void requirePreconditions(KeyOptions options, Optional<Entry> current, NodeRef self, int hops) {
        if (!Preconditions.hold(options, current)) {
            throw KeyProblems.preconditionFailed(current.filter(entry -> !entry.tombstone()).map(Entry::version), self.id(), hops);
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

    /** Refuses a request that has gone round too often, or a client's while this node is not in the ring. */
    private void requireServable(KeyRequest request) {
        RingPosition self = node.self().map(NodeRef::id).orElse(null);
        if (request.hops() >= properties.maxHops()) {
            throw KeyProblems.loop(request.hops(), properties.maxHops(), self);
        }
        if (request.hops() == 0 && !node.state().servesClients()) {
            throw KeyProblems.notInRing(node.state(), self, request.hops());
        }
    }

    /**
     * Serves the request here when this node owns the key, else forwards it. Only {@code local}
     * runs under the ownership lock, and touches the local store only; what it answers runs after
     * the lock is let go, and does whatever waits on other nodes. A write step may answer null: its
     * preparation went stale, and the caller starts over.
     */
    private ResponseEntity<?> serve(KeyRequest request, Function<NodeRef, Finish> local) {
        int hops = request.hops();
        NodeRef selfNode = node.self().orElse(null);
        RingPosition self = selfNode == null ? null : selfNode.id();
        requireServable(request);
        RingPosition position = request.key().position();
        String operation = request.method().name().toLowerCase();
        try {
            Routed routed = node.whileOwnershipHeld(() -> {
                Route route = node.route(position);
                if (!route.inRing()) {
                    throw KeyProblems.notInRing(node.state(), self, hops);
                }
                return route.local() ? new Routed(route, local.apply(selfNode)) : new Routed(route, null);
            });
            ResponseEntity<?> response;
            if (!routed.route().local()) {
                metrics.forwarded(operation);
                response = forward(routed.route().target(), position, request.forwarded());
            } else if (routed.finish() == null) {
                return null;
            } else {
                response = routed.finish().complete();
            }
            if (hops == 0) {
                metrics.answered(operation, response.getStatusCode().value(), response.getHeaders().getFirst(DhtHeaders.HOPS));
            }
            return response;
        } catch (ErrorResponseException e) {
            if (hops == 0) {
                metrics.answered(operation, e.getStatusCode().value(), e.getHeaders().getFirst(DhtHeaders.HOPS));
            }
            throw e;
        }
    }

    /** Forwards to the chosen hop; if it cannot be reached, once more through the closest finger before the key. */
    private ResponseEntity<?> forward(NodeRef target, RingPosition position, KeyRequest request) {
        try {
            return peers.forward(target, request);
        } catch (PeerFailure e) {
            if (e instanceof PeerFailure.TimedOut) {
                throw e;
            }
            if (request.method() == HttpMethod.GET) {
                Optional<ResponseEntity<?>> fromReplica = readFromReplica(target, position, request);
                if (fromReplica.isPresent()) {
                    return fromReplica.get();
                }
            }
            NodeRef fallback = node.fallback(position, target).orElseThrow(() -> e);
            return peers.forward(fallback, request);
        }
    }

    /**
     * A read whose owner cannot be reached, answered by the first of the other replicas to answer
     * (all asked at once): the nodes before the owner, which take over its range.
     */
    private Optional<ResponseEntity<?>> readFromReplica(NodeRef owner, RingPosition position, KeyRequest request) {
        Ring ring = ringView.ring();
        if (ring.isEmpty() || !ring.memberOwning(position).sameNodeAs(owner)) {
            return Optional.empty();
        }
        NodeRef ownerNode = ring.ownerOf(position);
        List<NodeRef> others = ring.replicasOf(position, properties.replicationFactor()).stream()
                .filter(replica -> !replica.equals(ownerNode))
                .toList();
        Replicator.Read read = replicator.firstAnswers(request.key().value(), others, 1);
        if (read.answered() == 0) {
            return Optional.empty();
        }
        Entry found = read.newest().filter(entry -> !entry.tombstone())
                .orElseThrow(() -> KeyProblems.notFound(request.key().value(), ownerNode.id(), request.hops()));
        return Optional.of(value(found, ownerNode.id(), request.hops()));
    }

    /** A stored value as the answer to a read. */
    private static ResponseEntity<?> value(Entry entry, RingPosition owner, int hops) {
        return ResponseEntity.ok()
                .headers(KeyHeaders.of(owner, hops))
                .contentType(MediaType.parseMediaType(entry.contentType()))
                .eTag(entry.version().toString())
                .body(entry.value());
    }

    private record Routed(Route route, Finish finish) {
    }

    /** The part of a local request that runs after the ownership lock is let go. */
    @FunctionalInterface
    private interface Finish {
        ResponseEntity<?> complete();
    }

    /** The local part of a write, under the ownership lock, given what was fetched for it before. */
    @FunctionalInterface
    private interface WriteStep {
        Finish apply(NodeRef self, SourceCopy source);
    }

    /** The previous holder's copy of a key, fetched before a write's locks, for the transfer that was pending then. */
    private record SourceCopy(Optional<Pending> pending, Optional<Entry> copy) {

        static final SourceCopy NONE = new SourceCopy(Optional.empty(), Optional.empty());

        /** Whether a transfer began or ended since: the copy is not the one the write needs. */
        boolean isStaleFor(Optional<Pending> now) {
            return pending.orElse(null) != now.orElse(null);
        }
    }

    private record Written(Entry entry, boolean replaced) {
    }
}
