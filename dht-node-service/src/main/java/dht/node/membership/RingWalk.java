package dht.node.membership;

import dht.core.NeighborView;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.node.peer.PeerClient;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Learns the ring from the nodes themselves, successor after successor: how a node finds where to
 * join through a seed node, and how it keeps its view of the ring while the registry is away.
 */
@Component
public class RingWalk {

    /** More nodes than any ring this DHT is meant for: a walk that does not close by then is broken. */
    private static final int MAX_NODES = 4096;

    private final PeerClient peers;

    public RingWalk(PeerClient peers) {
        this.peers = peers;
    }

    /** The ring as seen by following successors from {@code start}, whose neighbors are known. */
    public Ring from(NeighborView start) {
        List<NodeRef> nodes = new ArrayList<>(List.of(start.self()));
        Set<NodeRef> seen = new HashSet<>(nodes);
        NodeRef next = start.successor();
        while (seen.add(next)) {
            if (seen.size() > MAX_NODES) {
                throw new IllegalStateException("the ring walked from " + start.self() + " does not close within " + MAX_NODES + " nodes");
            }
            nodes.add(next);
            next = peers.neighbors(next).successor();
        }
        return Ring.of(nodes);
    }

    /**
     * The neighbors of the node that owns {@code position} now, found by walking from {@code seed};
     * empty when the walk comes back to the seed without finding it (a ring that changed meanwhile).
     */
    public Optional<NeighborView> ownerOf(NodeRef seed, RingPosition position) {
        NodeRef current = seed;
        Set<NodeRef> seen = new HashSet<>();
        while (seen.add(current) && seen.size() <= MAX_NODES) {
            NeighborView view = peers.neighbors(current);
            if (view.owns(position)) {
                return Optional.of(view);
            }
            current = view.successor();
        }
        return Optional.empty();
    }
}
