package dht.node.keys;

import dht.core.HybridClock;
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

    public ResponseEntity<?> get(String key, int hops, KeyOptions options) {
        return serve(KeyRequest.read(key, hops, options), self -> {
            Entry entry = newestOfQuorum(self, key, options, hops)
                    .filter(e -> !e.tombstone())
                    .orElseThrow(() -> KeyProblems.notFound(key, self.id(), hops));
            return value(entry, self.id(), hops);
        });
    }

    public ResponseEntity<?> put(String key, byte[] value, String contentType, int hops, KeyOptions options) {
        return serve(KeyRequest.write(key, hops, value, contentType, options), self -> {
            RingPosition position = RingPosition.ofKey(key);
            catchUpBeforeCondition(self, key, options, hops);
            Optional<Pending> pending = inbound.pendingFor(position);
            Written written = locks.withLock(key, () -> {
                Optional<Entry> current = currentTouching(key, pending);
                requirePreconditions(options, current, self, hops);
                Entry stamped = new Entry(key, value, contentType, clock.stamp(self.id()));
                store.put(stamped);
                return new Written(stamped, current.filter(previous -> !previous.tombstone()).isPresent());
            });
            Entry entry = written.entry();
            boolean replaced = written.replaced();
            requireQuorum(self, entry, options, hops);
            return ResponseEntity.status(replaced ? HttpStatus.OK : HttpStatus.CREATED)
                    .headers(KeyHeaders.of(self.id(), hops))
                    .eTag(entry.version().toString())
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(new KeyWritten(key, position, self.id(), entry.version()));
        });
    }

    public ResponseEntity<?> delete(String key, int hops, KeyOptions options) {
        return serve(KeyRequest.delete(key, hops, options), self -> {
            catchUpBeforeCondition(self, key, options, hops);
            Optional<Pending> pending = inbound.pendingFor(RingPosition.ofKey(key));
            Entry tombstone = locks.withLock(key, () -> {
                Optional<Entry> current = currentTouching(key, pending);
                requirePreconditions(options, current, self, hops);
                if (current.filter(held -> !held.tombstone()).isEmpty()) {
                    throw KeyProblems.notFound(key, self.id(), hops);
                }
                Entry stamped = Entry.tombstone(key, clock.stamp(self.id()));
                store.put(stamped);
                return stamped;
            });
            requireQuorum(self, tombstone, options, hops);
            return ResponseEntity.noContent().headers(KeyHeaders.of(self.id(), hops)).build();
        });
    }

    /**
     * Copies the write to the replicas; unless enough confirm it in time ({@code ?w=}, else
     * {@code dht.write-quorum}), it is not acknowledged.
     */
    private void requireQuorum(NodeRef self, Entry entry, KeyOptions options, int hops) {
        List<NodeRef> replicas = replicator.replicasOf(RingPosition.ofKey(entry.key()));
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
    private Optional<Entry> newestOfQuorum(NodeRef self, String key, KeyOptions options, int hops) {
        List<NodeRef> replicas = replicator.replicasOf(RingPosition.ofKey(key));
        int needed = (options.readQuorum() != null ? options.readQuorum() : replicator.readQuorum(replicas)) - 1;
        Replicator.Read read = replicator.newest(key, localEntry(key), replicas, needed);
        if (read.answered() < needed) {
            throw KeyProblems.noReadQuorum(read.answered() + 1, needed + 1, self.id(), hops);
        }
        return read.newest();
    }

    /**
     * Right after a failover the new owner's copy may trail a replica's, so a condition is checked
     * only once the newest copy of a read quorum is here.
     */
    private void catchUpBeforeCondition(NodeRef self, String key, KeyOptions options, int hops) {
        if (options.conditional()) {
            newestOfQuorum(self, key, options, hops);
        }
    }

    private void requirePreconditions(KeyOptions options, Optional<Entry> current, NodeRef self, int hops) {
        if (!Preconditions.hold(options, current)) {
            throw KeyProblems.preconditionFailed(current.filter(entry -> !entry.tombstone()).map(Entry::version), self.id(), hops);
        }
    }

    /**
     * The value this write replaces. While the key's range is still arriving that may be the
     * previous holder's copy; the key is then marked written, so that the transfer leaves it alone.
     */
    private Optional<Entry> currentTouching(String key, Optional<Pending> pending) {
        Optional<Entry> stored = store.get(key);
        if (pending.isEmpty()) {
            return stored;
        }
        Optional<Entry> atSource = pending.get().wasTouched(key) ? Optional.empty() : peers.fetch(pending.get().source(), key);
        pending.get().touched(key);
        return Entry.newer(stored, atSource);
    }

    /**
     * The entry stored here; while this key's range is still arriving, the previous holder's copy,
     * looked up here once more afterwards in case the transfer delivered it in the meantime.
     */
    private Optional<Entry> localEntry(String key) {
        Optional<Entry> entry = store.get(key);
        if (entry.isPresent()) {
            return entry;
        }
        Optional<Pending> pending = inbound.pendingFor(RingPosition.ofKey(key));
        if (pending.isEmpty() || pending.get().wasTouched(key)) {
            return Optional.empty();
        }
        return peers.fetch(pending.get().source(), key).or(() -> store.get(key));
    }

    private ResponseEntity<?> serve(KeyRequest request, Function<NodeRef, ResponseEntity<?>> local) {
        int hops = request.hops();
        NodeRef selfNode = node.self().orElse(null);
        RingPosition self = selfNode == null ? null : selfNode.id();
        if (hops >= properties.maxHops()) {
            throw KeyProblems.loop(hops, properties.maxHops(), self);
        }
        if (hops == 0 && !node.state().servesClients()) {
            throw KeyProblems.notInRing(node.state(), self, hops);
        }
        RingPosition position = RingPosition.ofKey(request.key());
        String operation = request.method().name().toLowerCase();
        try {
            Routed routed = node.whileOwnershipHeld(() -> {
                Route route = node.route(position);
                if (!route.inRing()) {
                    throw KeyProblems.notInRing(node.state(), self, hops);
                }
                return route.local() ? new Routed(route, local.apply(selfNode)) : new Routed(route, null);
            });
            ResponseEntity<?> response = routed.response();
            if (response == null) {
                metrics.forwarded(operation);
                response = forward(routed.route().target(), position, request.forwarded());
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
        Replicator.Read read = replicator.firstAnswers(request.key(), others, 1);
        if (read.answered() == 0) {
            return Optional.empty();
        }
        Entry found = read.newest().filter(entry -> !entry.tombstone())
                .orElseThrow(() -> KeyProblems.notFound(request.key(), ownerNode.id(), request.hops()));
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

    private record Routed(Route route, ResponseEntity<?> response) {
    }

    private record Written(Entry entry, boolean replaced) {
    }
}
