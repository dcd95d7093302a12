package dht.client;

import dht.core.NodeRef;
import dht.core.RingPosition;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Follows one node's {@code /ring/events} and reads the ring again whenever a node joins, leaves or
 * is declared dead, until the ring read shows the change: every node's view of the ring announces those for any node, so one stream
 * tells of them all. When the stream ends or its node goes away, another node is followed.
 */
final class RingEvents implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RingEvents.class.getName());
    private static final Set<String> MEMBERSHIP_CHANGES = Set.of("node-joined", "node-left", "node-dead");
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);
    /** How long a join or leave may take to show in the ring the client reads, and how often it looks. */
    private static final Duration SETTLE_DEADLINE = Duration.ofMinutes(1);
    private static final Duration SETTLE_PAUSE = Duration.ofMillis(250);

    private final KnownRing ring;
    private final Transport transport;
    private final ClientMetrics metrics;
    private final Thread follower;
    private volatile boolean closed;
    private volatile InputStream stream;

    RingEvents(KnownRing ring, Transport transport, ClientMetrics metrics) {
        this.ring = ring;
        this.transport = transport;
        this.metrics = metrics;
        this.follower = Thread.ofVirtual().name("dht-client-ring-events").start(this::follow);
    }

    private void follow() {
        while (!closed) {
            try {
                List<NodeRef> nodes = ring.current().nodes();
                NodeRef node = nodes.get(ThreadLocalRandom.current().nextInt(nodes.size()));
                followOne(node);
            } catch (DhtException | IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "ring events interrupted: {0}", e.getMessage());
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(RECONNECT_PAUSE);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Reads one node's stream until it ends: {@code event:} lines name the type, the data does not matter here. */
    private void followOne(NodeRef node) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = transport.openStream(ring.source().urlOf(node.address()).resolve("/ring/events"),
                "text/event-stream");
        try (InputStream body = response.body();
             BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                return;
            }
            stream = body;
            String type = null;
            String line;
            while (!closed && (line = lines.readLine()) != null) {
                if (line.startsWith("event:")) {
                    type = line.substring("event:".length()).trim();
                    metrics.ringEvent(type);
                } else if (line.startsWith("data:") && MEMBERSHIP_CHANGES.contains(type)) {
                    NodeRef about = nodeIn(line.substring("data:".length()));
                    boolean joined = type.equals("node-joined");
                    if (about != null) {
                        Thread.ofVirtual().name("dht-client-ring-refresh").start(() -> refreshUntilRingShows(about, joined));
                    }
                } else if (line.isEmpty()) {
                    type = null;
                }
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
        follower.interrupt();
        InputStream open = stream;
        if (open != null) {
            try {
                open.close();
            } catch (IOException e) {
                // closing is all that is left to do with it
            }
        }
    }
}
