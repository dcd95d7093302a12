package dht.node.observability;

import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.KeyRange;
import dht.core.NeighborView;
import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.node.membership.LocalNode;
import dht.node.membership.NodeState;
import dht.node.membership.RingView;
import dht.node.replication.ReplicaSync;
import dht.node.storage.KeyValueStore;
import dht.node.transfer.InboundTransfers;
import dht.node.transfer.OutboundHandoffs;
import org.springframework.stereotype.Component;

import java.util.List;

/** This node's ring position, as {@code /actuator/info} and {@code /actuator/ring} report it. */
@Component
public class RingStatus {

    private final LocalNode node;
    private final KeyValueStore store;
    private final InboundTransfers inbound;
    private final OutboundHandoffs outbound;
    private final RingView ringView;
    private final ReplicaSync replicaSync;

    RingStatus(LocalNode node, KeyValueStore store, InboundTransfers inbound, OutboundHandoffs outbound, RingView ringView,
               ReplicaSync replicaSync) {
        this.ringView = ringView;
        this.replicaSync = replicaSync;
        this.node = node;
        this.store = store;
        this.inbound = inbound;
        this.outbound = outbound;
    }

    public Snapshot snapshot() {
        NodeState state = node.state();
        Neighborhood neighborhood = node.neighborhood().orElse(null);
        if (neighborhood == null) {
            return new Snapshot(null, null, state, null, null, null, store.size(), 0, 0, null, false, List.of(), List.of(), null);
        }
        NeighborView atId = neighborhood.atId();
        boolean owns = state.ownsRange();
        List<Position> positions = neighborhood.views().size() == 1 ? null : neighborhood.views().stream()
                .map(view -> new Position(view.self().id().toString(), view.predecessor(), view.successor(),
                        owns ? view.ownedRange() : null, owns ? store.countIn(view.ownedRange()) : 0))
                .toList();
        long ownedKeys = !owns ? 0 : positions == null ? store.countIn(atId.ownedRange()) : positions.stream().mapToLong(Position::ownedKeys).sum();
        Ring ring = ringView.ring();
        return new Snapshot(neighborhood.node().id().toString(), neighborhood.node().address(), state, atId.predecessor(), atId.successor(),
                owns ? atId.ownedRange() : null, store.size(), ownedKeys, ring.size(), positions == null ? null : ring.positionCount(),
                replicaSync.inSync(),
                inbound.all().stream().map(p -> new Transfer(p.range(), p.source())).toList(),
                outbound.all().stream().map(h -> new Transfer(h.range(), h.recipient())).toList(),
                positions);
    }

    /**
     * @param id           this node's ring position
     * @param predecessor  the position before its ID's
     * @param successor    the position after its ID's
     * @param owns         the keys its ID's position owns, from its ID up to its successor's (absent while it owns none)
     * @param keys         how many keys it holds, replica copies and tombstones included
     * @param ownedKeys    how many of them lie in the ranges it owns
     * @param knownNodes   how many nodes its view of the whole ring holds
     * @param knownPositions with virtual nodes, how many positions that view holds: it learns a joining node's
     *                     positions one splice at a time and the rest at its next refresh from the registry
     * @param replicasInSync whether its replicas were reconciled since its ranges or replicas last changed
     * @param receiving    ranges it owns but is still pulling, with their source
     * @param handingOver  ranges it gave away and still holds keys of, with their new owner
     * @param positions    with virtual nodes ({@code dht.virtual-nodes}), each position it stands at, its ID's included
     */
    public record Snapshot(String id, String address, NodeState state, NodeRef predecessor, NodeRef successor,
                           KeyRange owns, long keys, long ownedKeys, int knownNodes,
                           @JsonInclude(JsonInclude.Include.NON_NULL) Integer knownPositions, boolean replicasInSync, List<Transfer> receiving,
                           List<Transfer> handingOver, @JsonInclude(JsonInclude.Include.NON_NULL) List<Position> positions) {
    }

    /** One position of a node with virtual nodes: its neighbors, the range it owns and the keys in it. */
    public record Position(String position, NodeRef predecessor, NodeRef successor, KeyRange owns, long ownedKeys) {
    }

    /** A range on its way between this node and {@code peer}. */
    public record Transfer(KeyRange range, NodeRef peer) {
    }
}
