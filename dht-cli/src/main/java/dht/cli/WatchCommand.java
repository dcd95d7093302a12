package dht.cli;

import dht.cli.Cluster.Unreachable;
import dht.client.Json;
import dht.client.KeyChangeListener;
import dht.client.KeysWatch;
import dht.client.ServerSentEvents;
import dht.client.ServerSentEvents.Event;
import dht.core.wire.KeyChange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

@Command(name = "watch", description = "Follow a node's ring events live (GET /ring/events) until interrupted: one line per event "
        + "(nodes joining, leaving or dead, neighbors changing, transfers starting, progressing, finishing); with "
        + "--keys PREFIX, every put and delete of the keys under PREFIX instead (GET /keys?prefix=PREFIX&watch=true), "
        + "made through any node, followed on a random node. With --output json, each event's JSON on a line of its own. "
        + "Reconnects when the stream ends; a watch on keys resumes after the last event it showed, on any node.")
final class WatchCommand extends ClusterCommand {

    private static final long RECONNECT_PAUSE_MS = 1000;
    static final String RESET_LINE = "reset   changes were missed: read the keys again";

    @Parameters(index = "0", arity = "0..1", paramLabel = "NODE",
            description = "The node whose ring events to follow: a URL, host:port or its ID. Default: --node, else a random "
                    + "live node. Not with --keys.")
    String target;

    @Option(names = "--type", split = ",", paramLabel = "TYPE",
            description = "Only these event types (node-joined, node-left, node-down, node-up, node-dead, predecessor-changed, "
                    + "successor-changed, transfer-started, transfer-progress, transfer-finished, re-replicated; with --keys: put, delete, reset); repeat or "
                    + "separate by commas.")
    Set<String> types;

    @Option(names = "--keys", paramLabel = "PREFIX",
            description = "Watch the keys under PREFIX (\"\" for every key) instead of the ring.")
    String keyPrefix;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "Stop after N events.")
    Integer limit;

    @Option(names = "--no-reconnect", description = "Stop when the stream ends instead of reconnecting.")
    boolean noReconnect;

    private int shown;

    @Override
    public Integer call() throws InterruptedException {
        if (limit != null && limit < 1) {
            throw CliException.usage("--limit must be at least 1");
        }
        if (keyPrefix != null) {
            return watchKeys();
        }
        URI node = pickNode();
        boolean connected = false;
        boolean reportedOutage = false;
        while (true) {
            HttpResponse<InputStream> response;
            try {
                response = cluster().stream(node.resolve("/ring/events"), "text/event-stream");
            } catch (Unreachable e) {
                if (!connected) {
                    throw CliException.unreachable("cannot reach " + node.getAuthority() + " (" + e.getMessage() + ")");
                }
                if (!reportedOutage) {
                    streams().err().println("dhtctl: " + node.getAuthority() + " cannot be reached (" + e.getMessage()
                            + "); trying again every second");
                    reportedOutage = true;
                }
                Thread.sleep(RECONNECT_PAUSE_MS);
                node = target == null && cluster().node().isEmpty() ? pickNodeOr(node) : node;
                continue;
            }
            if (response.statusCode() != 200) {
                closeQuietly(response.body());
                throw CliException.failed(node.getAuthority() + " answered " + response.statusCode() + " to GET /ring/events"
                        + (response.statusCode() == 404 ? " (a node without ring events?)" : ""));
            }
            connected = true;
            reportedOutage = false;
            streams().err().println("watching ring events of " + node.getAuthority() + " (Ctrl-C to stop)");
            if (follow(response.body())) {
                return Exit.OK;
            }
            if (noReconnect) {
                streams().err().println("the event stream of " + node.getAuthority() + " ended");
                return Exit.OK;
            }
            streams().err().println("dhtctl: the event stream of " + node.getAuthority() + " ended; reconnecting");
            Thread.sleep(RECONNECT_PAUSE_MS);
            node = target == null && cluster().node().isEmpty() ? pickNodeOr(node) : node;
        }
    }

    /** Prints the stream's events; answers whether the limit was reached. */
    private boolean follow(InputStream body) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            ServerSentEvents events = new ServerSentEvents(reader);
            Optional<Event> event;
            while ((event = events.next()).isPresent()) {
                if (types != null && !types.contains(event.get().type())) {
                    continue;
                }
                if (show(json() ? event.get().data() : line(event.get()))) {
                    return true;
                }
            }
        } catch (IOException broken) {
            // the node went away mid-stream: the caller reconnects
        }
        return false;
    }

    /** Prints one event; answers whether that was the last one {@code --limit} allows. */
    private synchronized boolean show(String line) {
        streams().out().println(line);
        streams().out().flush();
        shown++;
        return limit != null && shown >= limit;
    }

    /**
     * Follows the keys under {@code --keys} through the Java client's watch, which moves to another
     * node and resumes where it was when its node's stream ends; until the limit, or with
     * {@code --no-reconnect} the first end of a stream.
     */
    private int watchKeys() {
        if (target != null) {
            throw CliException.usage("a watch on keys follows any node of the ring (and moves on when it goes away): give no NODE");
        }
        String watched = keyPrefix.isEmpty() ? "every key" : "the keys under '" + keyPrefix + "'";
        CompletableFuture<Void> done = new CompletableFuture<>();
        KeyChangeListener listener = new KeyChangeListener() {
            @Override
            public void changed(KeyChange change) {
                if (types == null || types.contains(change.type().wireName())) {
                    showAndCount(json() ? Json.MAPPER.writeValueAsString(change) : keyLine(change));
                }
            }

            @Override
            public void reset() {
                if (types == null || types.contains("reset")) {
                    showAndCount(json() ? "{\"type\":\"reset\"}" : RESET_LINE);
                }
            }

            @Override
            public void connected(String address) {
                streams().err().println("watching " + watched + " through " + address + " (Ctrl-C to stop)");
            }

            @Override
            public void disconnected(String address) {
                if (noReconnect) {
                    streams().err().println("the event stream of " + address + " ended");
                    done.complete(null);
                } else {
                    streams().err().println("dhtctl: the event stream of " + address + " ended; reconnecting");
                }
            }

            private void showAndCount(String line) {
                if (!done.isDone() && show(line)) {
                    done.complete(null);
                }
            }
        };
        try (KeysWatch watch = client().watchKeys(keyPrefix, listener)) {
            // join rather than a latch: run in a fork-join pool (as the tests run commands), it lets the pool add a worker meanwhile
            done.join();
        }
        return Exit.OK;
    }

    /** {@code put     user:42  0001931f5e2a0000-8877c799045ba648}. */
    static String keyLine(KeyChange change) {
        return String.format("%-7s %s  %s", change.type().wireName(), change.key(), change.version());
    }

    /** {@code 2025-01-01T10:00:00.123Z  node-joined  8877c799045ba648 127.0.0.1:50003}, and the range, keys and peer when given. */
    static String line(Event event) {
        JsonNode json = Json.parseOrNull(event.data().getBytes(StandardCharsets.UTF_8));
        if (json == null || !json.isObject()) {
            return event.type() + "  " + event.data();
        }
        StringBuilder line = new StringBuilder();
        line.append(millis(json.path("at").asString("-"))).append("  ");
        line.append(String.format("%-19s", json.path("type").asString(event.type())));
        appendNode(line, json.path("node"));
        if (json.path("peer").isObject()) {
            line.append("  peer");
            appendNode(line, json.path("peer"));
        }
        if (json.path("range").isObject()) {
            line.append("  range [").append(json.path("range").path("start").asString("?")).append(", ")
                    .append(json.path("range").path("end").asString("?")).append(')');
        }
        if (json.has("keys")) {
            line.append("  ").append(json.path("keys").asLong()).append(" keys");
        }
        return line.toString();
    }

    /** An ISO-8601 instant shortened to milliseconds; anything else as it is. */
    private static String millis(String at) {
        try {
            return Instant.parse(at).truncatedTo(ChronoUnit.MILLIS).toString();
        } catch (DateTimeParseException e) {
            return at;
        }
    }

    private static void appendNode(StringBuilder line, JsonNode node) {
        if (node.isObject()) {
            line.append(' ').append(node.path("id").asString("?")).append(' ').append(node.path("address").asString("?"));
        }
    }

    private URI pickNode() {
        if (target != null) {
            return NodeArgument.resolve(target, cluster());
        }
        return cluster().node().orElseGet(() -> cluster().entryNodes().getFirst());
    }

    /** Another live node after an outage; the same one when the registry cannot say. */
    private URI pickNodeOr(URI previous) {
        try {
            return cluster().entryNodes().getFirst();
        } catch (CliException e) {
            return previous;
        }
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException ignored) {
            // nothing more to read anyway
        }
    }
}
