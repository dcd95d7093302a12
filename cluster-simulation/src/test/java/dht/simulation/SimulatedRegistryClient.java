package dht.simulation;

import dht.core.DuplicateNodeIdException;
import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.wire.Member;
import dht.core.wire.MemberState;
import dht.core.wire.RegisterRequest;
import dht.core.wire.Registration;
import dht.core.wire.RingListing;
import dht.node.peer.Refusal;
import dht.node.peer.RegistryClient;
import dht.registry.membership.Membership;

import java.util.List;
import java.util.function.Supplier;

/** A node's calls to the registry over the simulated wire, answered by the registry's own {@link Membership}. */
final class SimulatedRegistryClient implements RegistryClient {

    private final SimulatedNode caller;
    private final Network network;
    private final Membership membership;

    SimulatedRegistryClient(SimulatedNode caller, Network network, Membership membership) {
        this.caller = caller;
        this.network = network;
        this.membership = membership;
    }

    @Override
    public Registration register(RegisterRequest request) {
        return call("register", () -> membership.register(request.address(), request.id(), request.positionCount(), request.virtualPositions()));
    }

    @Override
    public RingListing ring() {
        return call("ring", () -> new RingListing(membership.members()));
    }

    @Override
    public void joined(RingPosition id) {
        call("joined", () -> {
            membership.joined(id);
            return null;
        });
    }

    @Override
    public void announce(NodeRef self, RingPosition pinnedId, List<RingPosition> virtualPositions) {
        call("announce", () -> {
            membership.announce(self, virtualPositions);
            return null;
        });
    }

    @Override
    public void leaving(RingPosition id) {
        call("leaving", () -> {
            membership.leaving(id);
            return null;
        });
    }

    @Override
    public void reportDown(RingPosition id, RingPosition reporter) {
        call("report " + id + " down", () -> {
            Member member = membership.member(id).orElseThrow(() -> Refusal.conflict("No such node", id + " is not in the ring"));
            if (!id.equals(reporter) && member.state() != MemberState.DOWN && network.registryReaches(member.address())) {
                throw Refusal.conflict("Node answers", id + " answers the registry");
            }
            membership.markDown(id);
            return null;
        });
    }

    @Override
    public void remove(RingPosition id) {
        call("remove " + id, () -> {
            membership.remove(id);
            return null;
        });
    }

    private <T> T call(String what, Supplier<T> handler) {
        return network.callRegistry(caller, what, () -> {
            try {
                return handler.get();
            } catch (DuplicateNodeIdException duplicate) {
                throw Refusal.conflict("Duplicate node ID", duplicate.getMessage());
            }
        });
    }
}
