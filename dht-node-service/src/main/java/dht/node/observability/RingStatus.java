package dht.node.observability;

import dht.core.NeighborView;
import dht.core.Neighborhood;
import dht.core.Ring;
import dht.core.wire.RingSnapshot;
import dht.node.membership.LocalNode;
import dht.node.membership.NodeState;
import dht.node.membership.RingView;
import dht.node.replication.ReplicaSync;
import dht.node.storage.KeyValueStore;
import dht.node.transfer.InboundTransfers;
import dht.node.transfer.OutboundHandoffs;
import org.springframework.stereotype.Component;

import java.util.List;

/** This node's ring position, as {@code /actuator/info} and {@code /actuator/ring} report it: a {@link RingSnapshot}. */
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

    public RingSnapshot snapshot() {
        NodeState state = node.state();
        Neighborhood neighborhood = node.neighborhood().orElse(null);
        if (neighborhood == null) {
            return new RingSnapshot(null, null, state.name(), null, null, null, store.size(), 0L, 0, null, false,
                    List.of(), List.of(), null, null);
        }
        NeighborView atId = neighborhood.atId();
        boolean owns = state.ownsRange();
        List<RingSnapshot.Position> positions = neighborhood.views().size() == 1 ? null : neighborhood.views().stream()
                .map(view -> new RingSnapshot.Position(view.self().id(), view.predecessor(), view.successor(),
                        owns ? view.ownedRange() : null, owns ? store.countIn(view.ownedRange()) : 0))
                .toList();
        long ownedKeys = !owns ? 0 : positions == null ? store.countIn(atId.ownedRange())
                : positions.stream().mapToLong(RingSnapshot.Position::ownedKeys).sum();
        Ring ring = ringView.ring();
        return new RingSnapshot(neighborhood.node().id(), neighborhood.node().address(), state.name(), atId.predecessor(),
                atId.successor(), owns ? atId.ownedRange() : null, store.size(), ownedKeys, ring.size(),
                positions == null ? null : ring.positionCount(), replicaSync.inSync(),
                inbound.all().stream().map(p -> new RingSnapshot.Transfer(p.range(), p.source())).toList(),
                outbound.all().stream().map(h -> new RingSnapshot.Transfer(h.range(), h.recipient())).toList(),
                positions, ringView.down().nodes());
    }
}
