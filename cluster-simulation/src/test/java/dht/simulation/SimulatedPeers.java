package dht.simulation;

import dht.core.Key;
import dht.core.NeighborView;
import dht.core.NodeRef;
import dht.core.Version;
import dht.core.wire.CopyAnswer;
import dht.core.wire.ChangePage;
import dht.core.wire.ChangeQuery;
import dht.core.wire.DigestRequest;
import dht.core.wire.Entry;
import dht.core.wire.Handover;
import dht.core.wire.HintsHandedOver;
import dht.core.wire.JoinAccepted;
import dht.core.wire.JoinRequest;
import dht.core.wire.OwnerWrites;
import dht.core.wire.RangeDigest;
import dht.core.wire.RangeKeys;
import dht.core.wire.RangeKeysRequest;
import dht.core.wire.TransferPage;
import dht.core.wire.TransferRequest;
import dht.core.wire.Wanted;
import dht.node.peer.KeyOutcome;
import dht.node.peer.KeyRequest;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;

import java.util.LinkedHashMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A node's calls to its peers over the simulated wire: each reaches the service the peer's
 * controller would call, so that what runs is the node's own protocol code on both sides.
 */
final class SimulatedPeers implements PeerClient {

    private final SimulatedNode caller;
    private final Network network;

    SimulatedPeers(SimulatedNode caller, Network network) {
        this.caller = caller;
        this.network = network;
    }

    @Override
    public KeyOutcome forward(NodeRef next, KeyRequest request) {
        return network.call(caller, next, "forward " + request.method() + " " + request.key().value(), peer -> switch (request.method().name()) {
            case "GET" -> peer.keys.get(request);
            case "PUT" -> peer.keys.put(request);
            default -> peer.keys.delete(request);
        });
    }

    @Override
    public JoinAccepted join(NodeRef predecessor, JoinRequest request) {
        return network.call(caller, predecessor, "join " + request.joiner(), peer -> peer.neighbors.acceptJoin(request));
    }

    @Override
    public void setPredecessor(NodeRef node, NodeRef predecessor) {
        network.call(caller, node, "set predecessor " + predecessor, peer -> {
            peer.neighbors.predecessorIs(predecessor);
            return null;
        });
    }

    @Override
    public void goingDown(NodeRef predecessor, NodeRef successor) {
        network.call(caller, predecessor, "going down " + successor, peer -> {
            peer.failureDetector.goingDown(successor);
            return null;
        });
    }

    @Override
    public void handover(NodeRef predecessor, Handover handover) {
        network.call(caller, predecessor, "handover " + handover.range(), peer -> {
            peer.neighbors.acceptHandover(handover);
            return null;
        });
    }

    @Override
    public TransferPage pull(NodeRef source, TransferRequest request) {
        return network.call(caller, source, "pull " + request.range(), peer -> peer.transfers.page(request));
    }

    @Override
    public TransferPage readRange(NodeRef node, TransferRequest request) {
        return network.call(caller, node, "read " + request.range(), peer -> peer.transfers.read(request));
    }

    @Override
    public RangeKeys listKeys(NodeRef node, RangeKeysRequest request) {
        return network.call(caller, node, "list " + request.range(), peer -> peer.listing.keysOf(request));
    }

    @Override
    public NeighborView neighbors(NodeRef member) {
        return network.call(caller, member, "neighbors at " + member.id(), peer -> peer.local.neighborsAt(member.id()));
    }

    @Override
    public NeighborView neighborsAtId(String address) {
        return network.call(caller, NodeRef.at(address), "neighbors", peer -> peer.local.neighborsAt(null));
    }
    @Override
    public RangeDigest digest(NodeRef node, DigestRequest request) {
        return network.call(caller, node, "digest " + request.range(), peer -> peer.transfers.digest(request));
    }

    @Override
    public void completeTransfer(NodeRef source, TransferRequest request) {
        network.call(caller, source, "complete " + request.range(), peer -> {
            peer.transfers.complete(request);
            return null;
        });
    }

    @Override
    public void replicate(NodeRef replica, List<Entry> entries) {
        network.call(caller, replica, "replicate " + entries.size(), peer -> {
            peer.copies.keepNewer(entries);
            return null;
        });
    }

    @Override
    public void storeHints(NodeRef fallback, String target, List<Entry> entries) {
        network.call(caller, fallback, "hints for " + target + " " + entries.stream().map(Entry::key).toList(), peer -> {
            for (Entry entry : entries) {
                if (!peer.handoff.keep(target, entry)) {
                    throw PeerFailure.refused(fallback, PeerFailure.Reason.BUSY, "the hint store is full");
                }
            }
            return null;
        });
    }

    @Override
    public HintsHandedOver handOverHints(NodeRef holder, NodeRef replica) {
        return network.call(caller, holder, "hand over hints for " + replica, peer -> peer.handoff.handOver(replica));
    }

    @Override
    public boolean isAlive(NodeRef node) {
        try {
            return network.call(caller, node, "probe", peer -> true);
        } catch (PeerFailure e) {
            return false;
        }
    }

    @Override
    public boolean isAlivePatiently(NodeRef node) {
        return isAlive(node);
    }

    @Override
    public OwnerWrites replicateToOwner(NodeRef owner, List<Entry> entries) {
        return network.call(caller, owner, "writes for the owner " + entries.stream().map(Entry::key).toList(),
                peer -> peer.keys.storeAsOwner(entries.stream().collect(Collectors.toMap(entry -> Key.of(entry.key()), entry -> entry))));
    }

    @Override
    public List<CopyAnswer> readCopies(NodeRef replica, List<Wanted> wanted) {
        return network.call(caller, replica, "copies of " + wanted.stream().map(Wanted::key).toList(),
                peer -> peer.copies.answer(wanted));
    }

    @Override
    public List<CopyAnswer> readOwnerCopies(NodeRef owner, List<Wanted> wanted) {
        Map<Key, Version> known = new LinkedHashMap<>();
        wanted.forEach(one -> known.put(Key.of(one.key()), one.known()));
        return network.call(caller, owner, "owner's copies of " + wanted.stream().map(Wanted::key).toList(),
                peer -> peer.keys.ownerCopies(known));
    }

    @Override
    public Optional<Entry> fetch(NodeRef source, String key) {
        return network.call(caller, source, "fetch " + key, peer -> peer.transfers.read(key));
    }

    @Override
    public ChangePage changes(NodeRef node, ChangeQuery query, Duration wait) {
        throw new UnsupportedOperationException("the simulation runs no watches on keys");
    }
}
