package dht.client;

import dht.core.NodeRef;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Follows a Server-Sent Events stream of one random node of the ring at a time ({@code /ring/events},
 * a watch on keys), on a virtual thread of its own: when the stream ends or its node goes away,
 * another node's, a second later, resumed after {@code lastEventId} when the stream has IDs. Each
 * whole event goes to the handler ({@link ServerSentEvents}); comments are skipped.
 */
final class EventStreamFollower implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EventStreamFollower.class.getName());
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

    private final KnownRing ring;
    private final Transport transport;
    private final String pathAndQuery;
    private final Supplier<String> lastEventId;
    private final Handler handler;
    private final Thread follower;
    private volatile boolean closed;
    private volatile InputStream stream;

    /**
     * @param pathAndQuery the stream's path on any node, with its query
     * @param lastEventId  the ID of the last event handled, to resume after; null for none
     */
    EventStreamFollower(String name, KnownRing ring, Transport transport, String pathAndQuery, Supplier<String> lastEventId,
                        Handler handler) {
        this.ring = ring;
        this.transport = transport;
        this.pathAndQuery = pathAndQuery;
        this.lastEventId = lastEventId;
        this.handler = handler;
        this.follower = Thread.ofVirtual().name(name).start(this::follow);
    }

    private void follow() {
        while (!closed) {
            try {
                List<NodeRef> nodes = ring.current().nodes();
                followOne(nodes.get(ThreadLocalRandom.current().nextInt(nodes.size())));
            } catch (DhtException | IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "{0} interrupted: {1}", pathAndQuery, e.getMessage());
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

    /** Reads one node's stream until it ends, telling the handler when it opens and when it ends. */
    private void followOne(NodeRef node) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = transport.openStream(ring.source().urlOf(node.address()).resolve(pathAndQuery),
                "text/event-stream", lastEventId.get());
        try (InputStream body = response.body();
             BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            if (response.statusCode() != 200) {
                return;
            }
            stream = body;
            guarded(() -> handler.connected(node.address()));
            try {
                ServerSentEvents events = new ServerSentEvents(lines);
                Optional<ServerSentEvents.Event> event;
                while (!closed && (event = events.next()).isPresent()) {
                    ServerSentEvents.Event whole = event.get();
                    guarded(() -> handler.event(whole.type(), whole.data(), whole.id()));
                }
            } finally {
                if (!closed) {
                    guarded(() -> handler.disconnected(node.address()));
                }
            }
        }
    }

    /** Runs a handler's callback; one that fails is logged, and the stream goes on. */
    private void guarded(Runnable callback) {
        try {
            callback.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a handler of " + pathAndQuery + " failed", e);
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

    /** What to do with one whole event of the stream, and with the stream opening and ending. */
    @FunctionalInterface
    interface Handler {
        void event(String type, String data, String id);

        /** The stream of the node at {@code address} answered and is now followed. */
        default void connected(String address) {
        }

        /** The stream of the node at {@code address} ended or broke; another node's follows after a pause. */
        default void disconnected(String address) {
        }
    }
}
