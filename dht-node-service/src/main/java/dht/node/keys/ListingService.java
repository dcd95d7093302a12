package dht.node.keys;

import dht.core.KeyRange;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.listing.KeyListing;
import dht.core.wire.Entry;
import dht.core.wire.ListedKey;
import dht.core.wire.RangeKeys;
import dht.core.wire.RangeKeysRequest;
import dht.core.wire.StoreCursor;
import dht.node.config.NodeProperties;
import dht.node.membership.LocalNode;
import dht.node.membership.RingView;
import dht.node.peer.KeyFailure;
import dht.node.peer.PeerClient;
import dht.node.peer.Refusal;
import dht.node.replication.Replicator;
import dht.node.storage.KeyValueStore;
import dht.node.time.NodeScheduler;
import dht.node.transfer.InboundTransfers;
import org.springframework.stereotype.Service;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists the keys of the whole ring ({@link KeyListing}): the node a client asks walks the ring's
 * ranges from the cursor on and reads each from a read quorum of its replicas, as a key read
 * does; each replica answers what it holds of the range ({@link #keysOf}).
 */
@Service
public class ListingService {

    /** The most entries one replica examines for one request, and the replicas for one page. */
    static final int EXAMINE_BUDGET = 10_000;
    /** The most ranges one page reads, so that a ring of many positions answers a sparse prefix in time too. */
    static final int MAX_READS = 64;
    private static final int SCAN_BATCH = 500;

    private final KeyValueStore store;
    private final InboundTransfers inbound;
    private final LocalNode node;
    private final RingView ringView;
    private final Replicator replicator;
    private final PeerClient peers;
    private final NodeProperties properties;
    private final NodeScheduler scheduler;

    public ListingService(KeyValueStore store, InboundTransfers inbound, LocalNode node, RingView ringView,
                          Replicator replicator, PeerClient peers, NodeProperties properties, NodeScheduler scheduler) {
        this.store = store;
        this.inbound = inbound;
        this.node = node;
        this.ringView = ringView;
        this.replicator = replicator;
        this.peers = peers;
        this.properties = properties;
        this.scheduler = scheduler;
    }

    /**
     * Up to {@code limit} live keys starting with {@code prefix} after {@code after} (from position 0
     * when null), in ring order, and where the next page starts.
     */
    public KeyListing.Page list(String prefix, int limit, StoreCursor after, Instant deadline) {
        NodeRef self = node.self().orElse(null);
        RingPosition selfId = self == null ? null : self.id();
        if (!node.state().servesClients() || node.neighborhood().isEmpty()) {
            throw KeyFailure.notInRing(node.state().name(), selfId, 0);
        }
        Ring ring = ringView.ringWith(node.neighborhood().get());
        return KeyListing.page(ring, after, limit, EXAMINE_BUDGET, MAX_READS, (span, from, wanted) -> {
            RangeKeysRequest request = new RangeKeysRequest(span, from, prefix, wanted);
            List<NodeRef> replicas = ring.replicasOf(span.start(), properties.replicationFactor());
            int needed = Math.min(properties.effectiveReadQuorum(), replicas.size());
            List<RangeKeys> answers = replicator.firstAnswers(replicas, needed, deadline,
                    replica -> replica.sameNodeAs(self) ? keysOf(request) : peers.listKeys(replica, request));
            if (answers.size() < needed) {
                throw KeyFailure.noReadQuorum(answers.size(), needed, ring.ownerOf(span.start()).id(), 0);
            }
            return answers;
        });
    }

    /**
     * What this node holds of a range: up to the request's limit of keys with its prefix, tombstones
     * (and expired values, as the tombstones they are) included, after examining {@link #EXAMINE_BUDGET} entries at most. Refused while part of the
     * range is still arriving here: the other replicas answer for it then.
     */
    public RangeKeys keysOf(RangeKeysRequest request) {
        KeyRange range = request.range();
        if (inbound.all().stream().anyMatch(pending -> pending.range().overlaps(range))) {
            throw Refusal.conflict("Range arriving", "Part of " + range + " is still arriving at this node.");
        }
        List<ListedKey> keys = new ArrayList<>();
        Instant now = scheduler.now();
        StoreCursor through = request.after();
        int examined = 0;
        while (examined < EXAMINE_BUDGET) {
            int batch = Math.min(SCAN_BATCH, EXAMINE_BUDGET - examined);
            List<Entry> entries = store.scan(range, through, batch);
            for (Entry entry : entries) {
                examined++;
                through = entry.cursor();
                if (entry.key().startsWith(request.prefix())) {
                    keys.add(ListedKey.of(entry, now));
                    if (keys.size() == request.limit()) {
                        return new RangeKeys(keys, through, examined, false);
                    }
                }
            }
            if (entries.size() < batch) {
                return new RangeKeys(keys, through, examined, true);
            }
        }
        return new RangeKeys(keys, through, examined, false);
    }
}
