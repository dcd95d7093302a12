package dht.simulation;

import dht.core.NodeRef;
import dht.node.peer.HttpFailures;
import dht.node.peer.KeyFailure;
import dht.node.peer.PeerFailure;
import dht.node.peer.Refusal;
import org.springframework.web.ErrorResponseException;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The wire between the simulated nodes and the registry: a call reaches the node running at the
 * address, and answers what its service answers, unless the message is lost or the node is down or
 * cut off. A request lost on its way never runs; one whose answer is lost has run, and the caller
 * only sees it time out. A refusal or a failed call to a third node becomes the protocol's, as the
 * HTTP edge makes it; anything else a node throws at a peer is a bug, recorded.
 */
final class Network {

    static final String REGISTRY = "registry:50000";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final EventLoop loop;
    private final Faults faults;
    private final Violations violations;
    private final Map<String, SimulatedNode> running = new HashMap<>();
    private boolean registryAway;

    Network(EventLoop loop, Faults faults, Violations violations) {
        this.loop = loop;
        this.faults = faults;
        this.violations = violations;
    }

    void attach(SimulatedNode node) {
        running.put(node.address(), node);
    }

    void detach(SimulatedNode node) {
        running.remove(node.address(), node);
    }

    Optional<SimulatedNode> nodeAt(String address) {
        return Optional.ofNullable(running.get(address));
    }

    /** A call from {@code caller} to the node {@code peer}, answered by what {@code handler} makes of that node. */
    <T> T call(SimulatedNode caller, NodeRef peer, String what, Function<SimulatedNode, T> handler) {
        requireNoLockHeld(caller, peer, what);
        SimulatedNode target = running.get(peer.address());
        if (target == null) {
            throw PeerFailure.unreachable(peer, new IllegalStateException("connection refused"));
        }
        if (faults.cutOff(caller.address(), peer.address())) {
            throw PeerFailure.timedOut(peer, TIMEOUT, null);
        }
        return deliver(peer, what, () -> handler.apply(target));
    }

    /** The registry's process stops (its state is kept, as on its disk) or starts again. */
    void registryAway(boolean away) {
        registryAway = away;
    }

    boolean registryAway() {
        return registryAway;
    }

    /** A call from {@code caller} to the registry, unless it is away; a node cut off cannot reach it either. */
    <T> T callRegistry(SimulatedNode caller, String what, Supplier<T> handler) {
        requireNoLockHeld(caller, null, what);
        NodeRef registry = new NodeRef(caller.id(), REGISTRY);
        if (registryAway) {
            throw PeerFailure.unreachable(registry, new IllegalStateException("connection refused"));
        }
        if (faults.cutOff(caller.address(), REGISTRY)) {
            throw PeerFailure.timedOut(registry, TIMEOUT, null);
        }
        return deliver(registry, what, handler);
    }

    /** Whether the registry's probe reaches the node at {@code address}: it runs, and is not cut off. */
    boolean registryReaches(String address) {
        return running.containsKey(address) && !faults.cutOff(REGISTRY, address);
    }

    private <T> T deliver(NodeRef peer, String what, Supplier<T> handler) {
        if (faults.lost()) {
            throw PeerFailure.timedOut(peer, TIMEOUT, null);
        }
        loop.advance(faults.latencyMillis());
        T answer;
        try {
            answer = handler.get();
        } catch (KeyFailure failure) {
            throw failure; // the key's answer, relayed as the web edge would
        } catch (Refusal refusal) {
            throw PeerFailure.refused(peer, refusal.reason(), refusal.getMessage());
        } catch (ErrorResponseException problem) {
            throw PeerFailure.refused(peer, HttpFailures.reasonFor(problem.getStatusCode()), problem.getBody().getDetail());
        } catch (PeerFailure failure) {
            // the peer's own call to another peer failed: its web edge answers 503 when that peer was busy, or
            // its calls to it paused, 409 when it refused for a conflict, else 502 or 504
            throw PeerFailure.refused(peer, switch (failure) {
                case PeerFailure.Paused paused -> PeerFailure.Reason.BUSY;
                case PeerFailure.Refused refused when refused.reason() == PeerFailure.Reason.BUSY
                        || refused.reason() == PeerFailure.Reason.CONFLICT -> refused.reason();
                default -> PeerFailure.Reason.FAILED;
            }, failure.getMessage());
        } catch (RuntimeException bug) {
            violations.add("%s failed on %s: %s", peer, what, describe(bug));
            throw PeerFailure.refused(peer, PeerFailure.Reason.FAILED, bug.toString());
        }
        loop.advance(faults.latencyMillis());
        if (faults.lost()) {
            throw PeerFailure.timedOut(peer, TIMEOUT, null);
        }
        return answer;
    }

    /** The rule the simulation checks on every call: nothing waits on another node under the ownership lock or a key lock. */
    private void requireNoLockHeld(SimulatedNode caller, NodeRef peer, String what) {
        if (caller.holdsALock()) {
            violations.add("%s called %s (%s) holding a lock", caller.address(), peer == null ? "the registry" : peer, what);
        }
    }

    static String describe(Throwable bug) {
        StackTraceElement[] trace = bug.getStackTrace();
        List<StackTraceElement> top = List.of(trace).subList(0, Math.min(4, trace.length));
        return bug + " at " + top;
    }
}
