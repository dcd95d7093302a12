package dht.node.peer;

import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.wire.RegisterRequest;
import dht.core.wire.Registration;
import dht.core.wire.RingListing;

import java.util.List;

/**
 * Every call this node makes to the registry. Failures surface as a {@link PeerFailure}, as calls to
 * other nodes do: the registry did not answer in time, could not be reached, or refused.
 */
public interface RegistryClient {

    /** Asks for a place on the ring: the node's ID and where to splice in. */
    Registration register(RegisterRequest request);

    /** The ring as the registry lists it. */
    RingListing ring();

    /** Reports this node's join finished. */
    void joined(RingPosition id);

    /** Says that this live member is in the ring, for a registry that does not list it. */
    void announce(NodeRef self, RingPosition pinnedId, List<RingPosition> virtualPositions);

    /** Says this node begins to leave. */
    void leaving(RingPosition id);

    /**
     * Reports node {@code id} DOWN: by a {@code reporter} whose probes it stopped answering (refused
     * with a conflict if it answers the registry), or by itself as it stops without leaving.
     */
    void reportDown(RingPosition id, RingPosition reporter);

    /** Removes a node from the ring (a dead one, or this one once it left). */
    void remove(RingPosition id);
}
