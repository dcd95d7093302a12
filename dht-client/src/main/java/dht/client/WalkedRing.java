package dht.client;

import dht.client.Transport.Reply;
import dht.client.Transport.Unreachable;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.wire.RingSnapshot;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ring learned from the nodes alone, for a client given no registry: each node's public
 * {@code /actuator/info} names its ID, every position it stands at and the neighbors of each, so
 * asking the seeds and then every neighbor named, once each, finds every node that answers with all
 * its positions. A node that does not answer is left out: requests for its keys go to another node,
 * which forwards them. A node reached at another address than the one it names (through a
 * port-forward or a proxy) is called where it was reached: its neighbors may not be reachable from
 * here at all, and then it serves every request, forwarding each.
 */
final class WalkedRing implements RingSource {

    private static final System.Logger LOG = System.getLogger(WalkedRing.class.getName());
    /** A walk stops here even if the neighbors named never run out. */
    private static final int MAX_NODES = 10_000;

    private final List<URI> seeds;
    private final String scheme;
    private final Transport transport;
    /** Nodes that answered at another URL than their own address names, by that address. */
    private final Map<String, URI> reachedAt = new ConcurrentHashMap<>();

    WalkedRing(List<URI> seeds, Transport transport) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("at least one node to learn the ring from");
        }
        this.seeds = seeds.stream().map(RingSource::baseUrl).toList();
        this.scheme = this.seeds.getFirst().getScheme();
        this.transport = transport;
    }

    @Override
    public Ring fetch() throws Unreachable {
        Deque<URI> toAsk = new ArrayDeque<>(seeds);
        Set<String> asked = new HashSet<>();
        Ring ring = Ring.empty();
        Unreachable lastFailure = null;
        while (!toAsk.isEmpty() && asked.size() < MAX_NODES) {
            URI node = toAsk.removeFirst();
            if (!asked.add(node.getRawAuthority())) {
                continue;
            }
            RingSnapshot snapshot;
            try {
                snapshot = positionOf(node);
            } catch (Unreachable e) {
                lastFailure = e;
                continue;
            }
            if (snapshot == null || snapshot.id() == null || snapshot.address() == null) {
                continue; // not in the ring yet
            }
            asked.add(snapshot.address());
            if (!snapshot.address().equals(node.getRawAuthority())) {
                reachedAt.put(snapshot.address(), node);
            }
            ring = withNode(ring, snapshot);
            for (NodeRef neighbor : neighborsOf(snapshot)) {
                if (!asked.contains(neighbor.address())) {
                    toAsk.addLast(urlOf(neighbor.address()));
                }
            }
        }
        if (ring.isEmpty()) {
            throw lastFailure != null ? lastFailure : new Unreachable("no node of " + seeds + " is in a ring", false, null);
        }
        return ring;
    }

    private RingSnapshot positionOf(URI node) throws Unreachable {
        Reply reply = transport.send(transport.request(node.resolve("/actuator/info")).header("Accept", "application/json").GET().build());
        if (!reply.successful()) {
            throw new Unreachable(node.getRawAuthority() + " answered " + reply.status() + " for its ring position", false, null);
        }
        JsonNode info = Json.parseOrNull(reply.body());
        if (info == null || !info.has("dht")) {
            return null;
        }
        try {
            return Json.MAPPER.treeToValue(info.get("dht"), RingSnapshot.class);
        } catch (JacksonException e) {
            throw new Unreachable(node.getRawAuthority() + " answered a ring position the client cannot read", false, e);
        }
    }

    /** The ring with this node at each position it names; a node whose positions clash with what is known already is left out. */
    private static Ring withNode(Ring ring, RingSnapshot snapshot) {
        List<RingPosition> virtualPositions = snapshot.positions() == null ? List.of()
                : snapshot.positions().stream().map(RingSnapshot.Position::position).filter(position -> !position.equals(snapshot.id())).toList();
        try {
            return ring.with(new NodeRef(snapshot.id(), snapshot.address()), virtualPositions);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // two nodes' views disagree while the ring changes; the next refresh settles it
            LOG.log(System.Logger.Level.DEBUG, "leaving {0} out of the ring for now: {1}", snapshot.address(), e.getMessage());
            return ring;
        }
    }

    private static List<NodeRef> neighborsOf(RingSnapshot snapshot) {
        List<NodeRef> neighbors = new ArrayList<>();
        if (snapshot.positions() != null) {
            for (RingSnapshot.Position position : snapshot.positions()) {
                addIfPresent(neighbors, position.predecessor());
                addIfPresent(neighbors, position.successor());
            }
        }
        addIfPresent(neighbors, snapshot.predecessor());
        addIfPresent(neighbors, snapshot.successor());
        return neighbors;
    }

    private static void addIfPresent(List<NodeRef> neighbors, NodeRef neighbor) {
        if (neighbor != null) {
            neighbors.add(neighbor);
        }
    }

    @Override
    public URI urlOf(String address) {
        URI reached = reachedAt.get(address);
        return reached != null ? reached : URI.create(scheme + "://" + address);
    }

    @Override
    public String describe() {
        return "the nodes " + seeds;
    }
}
