package dht.node.membership;

import dht.core.NeighborView;
import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.node.peer.PeerClient;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Learns the ring from the nodes themselves, successor after successor, position after position:
 * how a node finds where to join through a seed node, and how it keeps its view of the ring while
 * the registry is away. This node's own positions it reads from its own neighborhood, which it
 * knows even while it joins.
 */
@Component
public class RingWalk {

    /** More positions than any ring this DHT is meant for: a walk that does not close by then is broken. */
    private static final int MAX_POSITIONS = 65_536;

    private final PeerClient peers;
    private final LocalNode node;

    public RingWalk(PeerClient peers, LocalNode node) {
        this.peers = peers;
        this.node = node;
    }

    /** The ring as seen by walking it from the node at {@code seedAddress}, every node at all its positions. */
    public Ring from(String seedAddress) {
        return from(peers.neighborsAtId(seedAddress));
    }

    /** The ring as seen by following successors from {@code start}, whose neighbors are known. */
    public Ring from(NeighborView start) {
        Map<String, List<RingPosition>> positionsByAddress = new LinkedHashMap<>();
        Set<NodeRef> seen = new HashSet<>(List.of(start.self()));
        positionsByAddress.computeIfAbsent(start.self().address(), address -> new ArrayList<>()).add(start.self().id());
        NodeRef next = start.successor();
        while (seen.add(next)) {
            if (seen.size() > MAX_POSITIONS) {
                throw new IllegalStateException("the ring walked from " + start.self() + " does not close within " + MAX_POSITIONS + " positions");
            }
            positionsByAddress.computeIfAbsent(next.address(), address -> new ArrayList<>()).add(next.id());
            next = neighbors(next).successor();
        }
        Ring ring = Ring.empty();
        for (Map.Entry<String, List<RingPosition>> standing : positionsByAddress.entrySet()) {
            NodeRef member = member(standing.getKey(), standing.getValue());
            ring = ring.with(member, standing.getValue());
        }
        return ring;
    }

    /**
     * A position of this node is read from its own neighborhood, never asked over HTTP: one it no
     * longer holds (its join broke off after the splice) is still linked to by its predecessor, and
     * the walk cannot go on until that predecessor closed it out.
     */
    private NeighborView neighbors(NodeRef member) {
        Optional<Neighborhood> own = node.neighborhood().filter(neighborhood -> neighborhood.node().sameNodeAs(member));
        if (own.isEmpty()) {
            return peers.neighbors(member);
        }
        return own.get().viewAt(member.id()).orElseThrow(() -> new IllegalStateException("the ring still links to " + member
                + ", a position this node no longer holds; its predecessor closes it out once it finds it placeless"));
    }

    /**
     * A node met at {@code positions}: one of a single position stands at its ID; one of several
     * says which is its ID. While such a node joins, its ID may not be spliced in yet, and one of
     * its positions stands in for it, as {@link dht.core.Neighborhood#atId()} does.
     */
    private NodeRef member(String address, List<RingPosition> positions) {
        Optional<NodeRef> self = node.self().filter(own -> own.address().equals(address));
        if (self.isPresent()) {
            return self.get();
        }
        RingPosition id = positions.size() == 1 ? positions.getFirst() : peers.neighborsAtId(address).self().id();
        return NodeRef.of(positions.contains(id) ? id : positions.getFirst(), address);
    }
}
