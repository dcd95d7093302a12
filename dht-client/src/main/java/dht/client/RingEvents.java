package dht.client;

import dht.core.NodeRef;
import dht.core.RingPosition;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/**
 * Follows one node's {@code /ring/events} and reads the ring again whenever a node joins, leaves or
 * is declared dead, until the ring read shows the change: every node's view of the ring announces those for any node, so one stream
 * tells of them all. When the stream ends or its node goes away, another node is followed.
 */
final class RingEvents implements AutoCloseable {

    private static final Set<String> MEMBERSHIP_CHANGES = Set.of("node-joined", "node-left", "node-down", "node-up", "node-dead");
    /** How long a join or leave may take to show in the ring the client reads, and how often it looks. */
    private static final Duration SETTLE_DEADLINE = Duration.ofMinutes(1);
    private static final Duration SETTLE_PAUSE = Duration.ofMillis(250);

    private final KnownRing ring;
    private final ClientMetrics metrics;
    private final EventStreamFollower stream;
    private volatile boolean closed;

    RingEvents(KnownRing ring, Transport transport, ClientMetrics metrics) {
        this.ring = ring;
        this.metrics = metrics;
        this.stream = new EventStreamFollower("dht-client-ring-events", ring, transport, "/ring/events", () -> null, this::event);
    }

    /** Counts each event; a membership change has the ring read until it shows. */
    private void event(String type, String data, String id) {
        metrics.ringEvent(type);
        if (MEMBERSHIP_CHANGES.contains(type)) {
            NodeRef about = nodeIn(data);
            boolean joined = type.equals("node-joined");
            if (about != null) {
                Thread.ofVirtual().name("dht-client-ring-refresh").start(() -> refreshUntilRingShows(about, joined));
            }
        }
    }

    /**
     * Reads the ring until it shows the change: a node's view learns a joiner as it splices in,
     * before the registry lists it (once it is ready), so one read right away may come too early.
     */
    private void refreshUntilRingShows(NodeRef node, boolean joined) {
        long deadline = System.nanoTime() + SETTLE_DEADLINE.toNanos();
        while (!closed && System.nanoTime() < deadline) {
            ring.refreshNow();
            if (ring.current().nodes().contains(node) == joined) {
                return;
            }
            try {
                Thread.sleep(SETTLE_PAUSE);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The {@code node} of an event's JSON data; null when there is none. */
    private static NodeRef nodeIn(String data) {
        JsonNode node = Json.parseOrNull(data.trim().getBytes(StandardCharsets.UTF_8));
        if (node == null || !node.path("node").has("id") || !node.path("node").has("address")) {
            return null;
        }
        try {
            return new NodeRef(RingPosition.parse(node.path("node").path("id").asString()), node.path("node").path("address").asString());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void close() {
        closed = true;
        stream.close();
    }
}
