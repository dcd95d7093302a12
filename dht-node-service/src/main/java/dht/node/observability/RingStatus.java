package dht.node.observability;

import dht.core.KeyRange;
import dht.core.NeighborView;
import dht.core.NodeRef;
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
        NeighborView view = node.view().orElse(null);
        if (view == null) {
            return new Snapshot(null, null, state, null, null, null, store.size(), 0, 0, false, List.of(), List.of());
        }
        KeyRange owned = state.ownsRange() ? view.ownedRange() : null;
        return new Snapshot(view.self().id().toString(), view.self().address(), state, view.predecessor(), view.successor(),
                owned, store.size(), owned == null ? 0 : store.countIn(owned), ringView.ring().size(), replicaSync.inSync(),
                inbound.all().stream().map(p -> new Transfer(p.range(), p.source())).toList(),
                outbound.all().stream().map(h -> new Transfer(h.range(), h.recipient())).toList());
    }

    /**
     * @param id           this node's ring position
     * @param owns         the keys it owns, from its ID up to its successor's (absent while it owns none)
     * @param keys         how many keys it holds, replica copies and tombstones included
     * @param ownedKeys    how many of them lie in the range it owns
     * @param knownNodes   how many nodes its view of the whole ring holds
     * @param replicasInSync whether its replicas were reconciled since its range or replicas last changed
     * @param receiving    ranges it owns but is still pulling, with their source
     * @param handingOver  ranges it gave away and still holds keys of, with their new owner
     */
    public record Snapshot(String id, String address, NodeState state, NodeRef predecessor, NodeRef successor,
                           KeyRange owns, long keys, long ownedKeys, int knownNodes, boolean replicasInSync, List<Transfer> receiving, List<Transfer> handingOver) {
    }

    /** A range on its way between this node and {@code peer}. */
    public record Transfer(KeyRange range, NodeRef peer) {
    }
}
