package dht.node.keys;

import dht.core.HybridClock;
import dht.core.RingPosition;
import dht.core.wire.Entry;
import dht.core.wire.KeyWritten;
import dht.node.config.NodeProperties;
import dht.node.membership.LocalNode;
import dht.node.membership.LocalNode.Route;
import dht.node.observability.DhtMetrics;
import dht.core.NodeRef;
import dht.node.peer.KeyRequest;
import dht.node.peer.PeerException;
import dht.node.peer.PeerClient;
import dht.node.storage.KeyLocks;
import dht.node.storage.KeyValueStore;
import dht.node.transfer.InboundTransfers;
import dht.node.transfer.InboundTransfers.Pending;
import dht.node.peer.HttpPeerClient;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.web.ErrorResponseException;

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

    KeyService(LocalNode node, KeyValueStore store, KeyLocks locks, InboundTransfers inbound, PeerClient peers,
               HybridClock clock, NodeProperties properties, DhtMetrics metrics) {
        this.node = node;
        this.store = store;
        this.locks = locks;
        this.inbound = inbound;
        this.peers = peers;
        this.clock = clock;
        this.properties = properties;
        this.metrics = metrics;
    }

    public ResponseEntity<?> get(String key, int hops) {
        return serve(KeyRequest.read(key, hops), self -> {
            Entry entry = localEntry(key).orElseThrow(() -> KeyProblems.notFound(key, self, hops));
            return ResponseEntity.ok()
                    .headers(KeyHeaders.of(self, hops))
                    .contentType(MediaType.parseMediaType(entry.contentType()))
                    .eTag(entry.version().toString())
                    .body(entry.value());
        });
    }

    public ResponseEntity<?> put(String key, byte[] value, String contentType, int hops) {
        return serve(KeyRequest.write(key, hops, value, contentType), self -> {
            RingPosition position = RingPosition.ofKey(key);
            Entry entry = new Entry(key, value, contentType, clock.stamp(self));
            Optional<Pending> pending = inbound.pendingFor(position);
            boolean replaced = locks.withLock(key, () -> {
                boolean heldAtSource = touchWhilePending(key, pending);
                return store.put(entry).isPresent() || heldAtSource;
            });
            return ResponseEntity.status(replaced ? HttpStatus.OK : HttpStatus.CREATED)
                    .headers(KeyHeaders.of(self, hops))
                    .eTag(entry.version().toString())
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(new KeyWritten(key, position, self, entry.version()));
        });
    }

    public ResponseEntity<?> delete(String key, int hops) {
        return serve(KeyRequest.delete(key, hops), self -> {
            Optional<Pending> pending = inbound.pendingFor(RingPosition.ofKey(key));
            boolean existed = locks.withLock(key, () -> {
                boolean heldAtSource = touchWhilePending(key, pending);
                return store.remove(key).isPresent() || heldAtSource;
            });
            if (!existed) {
                throw KeyProblems.notFound(key, self, hops);
            }
            return ResponseEntity.noContent().headers(KeyHeaders.of(self, hops)).build();
        });
    }

    /**
     * Marks a key written or deleted while its range is still arriving, so that the transfer leaves
     * it alone; answers whether the previous holder still had it, which this write then replaced.
     */
    private boolean touchWhilePending(String key, Optional<Pending> pending) {
        if (pending.isEmpty()) {
            return false;
        }
        boolean heldAtSource = !pending.get().wasTouched(key) && peers.fetch(pending.get().source(), key).isPresent();
        pending.get().touched(key);
        return heldAtSource;
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

    private ResponseEntity<?> serve(KeyRequest request, Function<RingPosition, ResponseEntity<?>> local) {
        int hops = request.hops();
        RingPosition self = node.self().map(s -> s.id()).orElse(null);
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
                return route.local() ? new Routed(route, local.apply(self)) : new Routed(route, null);
            });
            ResponseEntity<?> response = routed.response();
            if (response == null) {
                metrics.forwarded(operation);
                response = forward(routed.route().target(), position,
                        new KeyRequest(request.method(), request.key(), hops + 1, request.body(), request.contentType()));
            }
            if (hops == 0) {
                metrics.answered(operation, response.getStatusCode().value(), response.getHeaders().getFirst(HttpPeerClient.HOPS));
            }
            return response;
        } catch (ErrorResponseException e) {
            if (hops == 0) {
                metrics.answered(operation, e.getStatusCode().value(), e.getHeaders().getFirst(HttpPeerClient.HOPS));
            }
            throw e;
        }
    }

    /** Forwards to the chosen hop; if it cannot be reached, once more through the neighbor. */
    private ResponseEntity<?> forward(NodeRef target, RingPosition position, KeyRequest request) {
        try {
            return peers.forward(target, request);
        } catch (PeerException e) {
            if (e.kind() == PeerException.Kind.TIMED_OUT) {
                throw e;
            }
            NodeRef fallback = node.fallback(position, target).orElseThrow(() -> e);
            return peers.forward(fallback, request);
        }
    }

    private record Routed(Route route, ResponseEntity<?> response) {
    }
}
