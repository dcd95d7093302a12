package dht.node.keys;

import dht.core.Key;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.CopyAnswer;
import dht.core.wire.Entry;
import dht.core.wire.OwnerWrites;
import dht.node.config.NodeProperties;
import dht.node.keys.KeyCoordinator.Finish;
import dht.node.keys.KeyCoordinator.ServeElsewhere;
import dht.node.keys.KeyCoordinator.Serving;
import dht.node.keys.KeyCoordinator.SourceCopy;
import dht.node.keys.KeyCoordinator.WriteStep;
import dht.node.membership.FailureDetector;
import dht.node.membership.LocalNode.Route;
import dht.node.membership.LocalNode;
import dht.node.membership.NodeState;
import dht.node.membership.RingView;
import dht.node.peer.KeyFailure;
import dht.node.peer.KeyOutcome;
import dht.node.peer.KeyRequest;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;
import dht.node.peer.Refusal;
import dht.node.replication.Replicator;
import dht.node.telemetry.DhtMetrics;
import dht.node.time.NodeScheduler;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where a key request is served: here when this node owns the key (its {@link KeyCoordinator}
 * steps), else one hop on toward the owner, around a hop that cannot be reached. Ownership cannot
 * change while the local step runs; forwarding and everything that waits on other nodes happen
 * outside that.
 */
@Service
public class KeyService {

    /** How often one request starts over because a hop it went to was found DOWN. */
    private static final int MAX_REROUTES = 2;

    private final LocalNode node;
    private final KeyCoordinator coordinator;
    private final PeerClient peers;
    private final NodeProperties properties;
    private final DhtMetrics metrics;
    private final Replicator replicator;
    private final RingView ringView;
    private final NodeScheduler scheduler;
    private final FailureDetector failureDetector;

    public KeyService(LocalNode node, KeyCoordinator coordinator, PeerClient peers, NodeProperties properties, DhtMetrics metrics,
                      Replicator replicator, RingView ringView, NodeScheduler scheduler, FailureDetector failureDetector) {
        this.failureDetector = failureDetector;
        this.scheduler = scheduler;
        this.node = node;
        this.coordinator = coordinator;
        this.peers = peers;
        this.properties = properties;
        this.metrics = metrics;
        this.replicator = replicator;
        this.ringView = ringView;
    }

    public KeyOutcome get(KeyRequest request) {
        requireServable(request);
        for (int reroute = 0; ; reroute++) {
            try {
                return serve(request, coordinator.read(request));
            } catch (Rerouted rerouted) {
                if (reroute == MAX_REROUTES) {
                    throw rerouted.failure();
                }
            }
        }
    }

    public KeyOutcome put(KeyRequest request) {
        return serveWrite(request, coordinator.put(request));
    }

    public KeyOutcome delete(KeyRequest request) {
        return serveWrite(request, coordinator.delete(request));
    }

    /**
     * This node's copies of keys it owns, for replicas that serve reads themselves
     * ({@link PeerClient#readOwnerCopies}), each answered against the version the asker holds;
     * {@link CopyAnswer.Kind#NOT_OWNED} for a key this node does not own by its own neighbors.
     */
    public List<CopyAnswer> ownerCopies(Map<Key, Version> known) {
        List<CopyAnswer> answers = new ArrayList<>(known.size());
        known.forEach((key, version) -> {
            try {
                answers.add(CopyAnswer.of(whileOwning(key, () -> coordinator.localCopy(key)).get(), version));
            } catch (Refusal notTheOwner) {
                answers.add(CopyAnswer.notOwned());
            }
        });
        return answers;
    }

    /**
     * Stores, as the keys' owner, writes their replicas coordinated ({@link PeerClient#replicateToOwner}),
     * each unless this node does not own its key by its own neighbors; answers the keys it refused, and
     * those where a value was replaced.
     */
    public OwnerWrites storeAsOwner(Map<Key, Entry> writes) {
        List<String> notOwned = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        writes.forEach((key, entry) -> {
            try {
                if (whileOwning(key, () -> coordinator.storeCopyOverValue(entry))) {
                    replaced.add(key.value());
                }
            } catch (Refusal notTheOwner) {
                notOwned.add(key.value());
            }
        });
        return new OwnerWrites(notOwned, replaced);
    }

    /** Runs {@code action} while this node owns {@code key} by its own neighbors; refused when it does not. */
    private <T> T whileOwning(Key key, Supplier<T> action) {
        return node.whileOwnershipHeld(() -> {
            if (!node.owns(key.position())) {
                throw Refusal.conflict("Not the key's owner", "This node does not own position " + key.position() + ".");
            }
            return action.get();
        });
    }

    /**
     * A write: what it needs from other nodes is fetched before any lock is taken (the newest copy
     * of a read quorum for a condition; the previous holder's copy while the key's range is still
     * arriving), then the local write runs under the ownership and key locks, then the copies go to
     * the replicas outside them. Should a transfer of the key's range begin or end between the two,
     * the copy fetched is of no use and the write starts over, a few times at most.
     */
    private KeyOutcome serveWrite(KeyRequest request, WriteStep write) {
        requireServable(request);
        Rerouted lastRerouted = null;
        for (int attempt = 1; attempt <= 1 + MAX_REROUTES; attempt++) {
            SourceCopy source = coordinator.prepareWrite(request,
                    servedHereFor(request, node.route(request.key().position())).map(NodeRef::id));
            KeyOutcome outcome;
            try {
                outcome = serve(request, self -> write.apply(self, source));
            } catch (Rerouted rerouted) {
                lastRerouted = rerouted;
                continue;
            }
            if (outcome != null) {
                return outcome;
            }
        }
        if (lastRerouted != null) {
            throw lastRerouted.failure();
        }
        throw KeyFailure.ringChanging(node.self().map(NodeRef::id).orElse(null), request.hops());
    }

    /** Refuses a request that has gone round too often, or a client's while this node is not in the ring. */
    private void requireServable(KeyRequest request) {
        RingPosition self = node.self().map(NodeRef::id).orElse(null);
        if (request.hops() >= properties.maxHops()) {
            throw KeyFailure.loop(request.hops(), properties.maxHops(), self);
        }
        if (request.hops() == 0 && !node.state().servesClients()) {
            throw KeyFailure.notInRing(node.state().name(), self, request.hops());
        }
    }

    /**
     * The owner a request served here is served for: this node when it owns the key; the key's owner
     * when this node holds one of the key's replicas, as any replica does (Dynamo's preference list),
     * except a conditional write, which the owner alone serializes, and a read that asks for more
     * than two copies. The owner fences what a replica serves: a read takes its copy and a write
     * counts once it holds it, each only while it owns the key by its own neighbors (see
     * {@link KeyCoordinator}). Empty when the request goes on to another node.
     */
    private Optional<NodeRef> servedHereFor(KeyRequest request, Route route) {
        if (route.local()) {
            return Optional.of(route.target());
        }
        Integer asked = request.options().readQuorum();
        boolean twoCopiesDo = (asked != null ? asked : properties.effectiveReadQuorum()) <= 2;
        boolean read = request.method() == HttpMethod.GET;
        if (!route.inRing() || (read && !twoCopiesDo) || request.options().conditional() || node.state() != NodeState.READY) {
            return Optional.empty();
        }
        return replicator.ownerIfReplicaHere(request.key().position());
    }

    /**
     * Serves the request here when this node owns the key or coordinates it as a replica, else
     * forwards it. Only {@code local} runs under the ownership lock, and touches the local store
     * only; what it answers runs after the lock is let go, and does whatever waits on other nodes.
     * A write step may answer null: its preparation went stale, and the caller starts over. The
     * caller checked that the request is servable at all ({@link #requireServable}), once, before
     * anything else.
     */
    private KeyOutcome serve(KeyRequest request, Function<Serving, Finish> local) {
        int hops = request.hops();
        NodeRef selfNode = node.self().orElse(null);
        RingPosition self = selfNode == null ? null : selfNode.id();
        RingPosition position = request.key().position();
        String operation = request.method().name().toLowerCase();
        try {
            Routed routed = node.whileOwnershipHeld(() -> {
                Route route = node.route(position);
                if (!route.inRing()) {
                    throw KeyFailure.notInRing(node.state().name(), self, hops);
                }
                return servedHereFor(request, route)
                        .map(owner -> Routed.here(route.target(), local.apply(new Serving(selfNode, owner))))
                        .orElseGet(() -> Routed.onTo(route.target()));
            });
            KeyOutcome outcome = null;
            if (routed.here()) {
                if (routed.finish() == null) {
                    return null;
                }
                try {
                    outcome = routed.finish().complete();
                } catch (ServeElsewhere e) {
                    // a replica could not read the owner's copy: the request goes on to the owner
                }
            }
            if (outcome == null) {
                metrics.forwarded(operation);
                outcome = forward(routed.next(), position, request.forwarded());
            }
            if (hops == 0) {
                metrics.answered(operation, DhtMetrics.Outcome.SUCCESS, outcome.hops());
            }
            return outcome;
        } catch (KeyFailure e) {
            if (hops == 0) {
                metrics.answered(operation, switch (e.kind()) {
                    case NOT_FOUND -> DhtMetrics.Outcome.NOT_FOUND;
                    case PRECONDITION_FAILED -> DhtMetrics.Outcome.CLIENT_ERROR;
                    default -> DhtMetrics.Outcome.SERVER_ERROR;
                }, e.hops());
            }
            throw e;
        } catch (PeerFailure e) {
            if (hops == 0) {
                metrics.answered(operation, DhtMetrics.Outcome.SERVER_ERROR, hops);
            }
            throw e;
        }
    }

    /**
     * Forwards to the chosen hop. One that cannot be reached is reported, and once the registry
     * confirms it DOWN the request starts over, to whoever serves the key now ({@link Rerouted});
     * a read asks the key's other replicas first. Else, unless the hop timed out, once more
     * through the closest finger before the key. A request whose client gave up already goes no
     * further; a conditional write that timed out is not sent twice (its first try may have
     * been applied, and its condition would then fail on the second).
     */
    private KeyOutcome forward(NodeRef target, RingPosition position, KeyRequest request) {
        requireTimeLeft(target, request);
        try {
            return peers.forward(target, request);
        } catch (PeerFailure e) {
            boolean timedOut = e instanceof PeerFailure.TimedOut;
            if (request.method() == HttpMethod.GET && !timedOut && !(e instanceof PeerFailure.Refused)) {
                Optional<KeyOutcome> fromReplica = readFromReplica(target, position, request);
                if (fromReplica.isPresent()) {
                    return fromReplica.get();
                }
            }
            boolean mayGoTwice = !(timedOut && request.options().conditional());
            if (!(e instanceof PeerFailure.Refused) && failureDetector.suspect(target, halfTheTimeLeft(request)) && mayGoTwice) {
                throw new Rerouted(e);
            }
            if (timedOut) {
                throw e;
            }
            NodeRef fallback = node.fallback(position, target).orElseThrow(() -> e);
            requireTimeLeft(fallback, request);
            return peers.forward(fallback, request);
        }
    }

    /**
     * A read whose owner cannot be reached, answered by the other replicas (the nodes before the
     * owner, which take over its range): as many as the read quorum asks for, so that the read still
     * meets every acknowledged write's copies; empty when fewer answer.
     */
    private Optional<KeyOutcome> readFromReplica(NodeRef owner, RingPosition position, KeyRequest request) {
        Ring ring = ringView.ring();
        if (ring.isEmpty() || !ring.memberOwning(position).sameNodeAs(owner)) {
            return Optional.empty();
        }
        NodeRef ownerNode = ring.ownerOf(position);
        List<NodeRef> others = ring.replicasOf(position, properties.replicationFactor()).stream()
                .filter(replica -> !replica.equals(ownerNode))
                .toList();
        Integer asked = request.options().readQuorum();
        int needed = Math.min(asked != null ? asked : properties.effectiveReadQuorum(), others.size());
        Replicator.Read read = replicator.firstAnswers(request.key().value(), Optional.empty(), others, needed, request.deadline());
        if (read.answered() < Math.max(needed, 1)) {
            return Optional.empty();
        }
        Instant now = scheduler.now();
        Entry found = read.newest().filter(entry -> entry.liveAt(now))
                .orElseThrow(() -> KeyFailure.notFound(ownerNode.id(), request.hops()));
        return Optional.of(new KeyOutcome.Found(found, ownerNode.id(), request.hops()));
    }

    /** How long a request waits for the registry's verdict on a node it could not reach: half of what it has left. */
    private Duration halfTheTimeLeft(KeyRequest request) {
        Duration left = Duration.between(scheduler.now(), request.deadline());
        return left.isNegative() ? Duration.ZERO : left.dividedBy(2);
    }

    /**
     * A hop of the request is DOWN, as the registry confirmed: the request starts over, to whoever
     * serves the key now; {@link #MAX_REROUTES} times at most, then {@code failure} is its answer.
     */
    private static final class Rerouted extends RuntimeException {

        private final PeerFailure failure;

        Rerouted(PeerFailure failure) {
            super(null, null, false, false);
            this.failure = failure;
        }

        PeerFailure failure() {
            return failure;
        }
    }

    private void requireTimeLeft(NodeRef next, KeyRequest request) {
        if (!scheduler.now().isBefore(request.deadline())) {
            throw PeerFailure.timedOut(next, properties.requestTimeout(), null);
        }
    }

    /**
     * Where a request goes: served here, its local part done and {@code finish} to follow (null when a
     * write's preparation went stale), else, or should a replica not manage it, on to {@code next}.
     */
    private record Routed(NodeRef next, boolean here, Finish finish) {

        static Routed here(NodeRef next, Finish finish) {
            return new Routed(next, true, finish);
        }

        static Routed onTo(NodeRef next) {
            return new Routed(next, false, null);
        }
    }
}
