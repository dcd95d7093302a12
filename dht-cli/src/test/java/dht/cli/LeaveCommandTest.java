package dht.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dht.core.RingPosition;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class LeaveCommandTest {

    private TestCluster cluster;
    private HttpServer fake;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (fake != null) {
            fake.stop(0);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aNodeLeavesGracefullyAndItsKeysStayReadable() {
        cluster = TestCluster.builder().nodes(3).build();
        String registry = cluster.registryUrl();
        for (int i = 0; i < 60; i++) {
            assertThat(Cli.run("--registry", registry, "put", "key-" + i, "value-" + i).exit()).isZero();
        }
        int leavingIndex = cluster.indexes().get(1);
        TestCluster.Node leaving = cluster.node(leavingIndex);
        String id = RingPosition.ofAddress(leaving.ref().address()).toString();

        Cli.Result leave = Cli.run("--registry", registry, "leave", id);

        assertThat(leave.exit()).as(leave.toString()).isZero();
        assertThat(leave.out()).startsWith(id + " (" + leaving.ref().address() + ") is leaving: handing ")
                .contains(id + " (" + leaving.ref().address() + ") left the ring after ");
        cluster.forget(leavingIndex);
        JsonNode listing = json(registry + "/nodes");
        assertThat(listing.path("nodes").valueStream().map(node -> node.path("id").asString())).doesNotContain(id).hasSize(2);
        for (int i = 0; i < 60; i++) {
            Cli.Result get = Cli.run("--registry", registry, "get", "key-" + i);
            assertThat(get.out()).as(get.toString()).isEqualTo("value-" + i);
        }
    }

    @Test
    void progressIsShownUntilTheNodeHasLeft() throws IOException {
        AtomicInteger polls = new AtomicInteger();
        List<String> calls = new CopyOnWriteArrayList<>();
        String[] state = {"READY"};
        fake = fakeNode(calls, exchange -> {
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/admin/leave")) {
                state[0] = "LEAVING";
                return reply(exchange, 202, "");
            }
            if (path.equals("/actuator/ring")) {
                long keys = state[0].equals("READY") ? 3 : Math.max(0, 3 - polls.incrementAndGet());
                if (state[0].equals("LEAVING") && keys == 0) {
                    state[0] = "LEFT";
                }
                return reply(exchange, 200, ring(state[0], keys));
            }
            if (path.equals("/nodes")) {
                return reply(exchange, 200, state[0].equals("LEFT") ? "{\"nodes\":[]}" : listing());
            }
            return reply(exchange, 404, "");
        });

        Cli.Result leave = Cli.run("--registry", url(), "leave", address());

        assertThat(leave.exit()).as(leave.toString()).isZero();
        assertThat(leave.out()).contains("00000000000000aa (" + address() + ") is leaving: handing 3 keys to its predecessor "
                        + "00000000000000cc@127.0.0.1:1")
                .contains("LEAVING     1 of 3 keys handed over, 2 left  [00000000000000aa, 00000000000000bb) to 127.0.0.1:1")
                .contains("LEAVING     2 of 3 keys handed over, 1 left")
                .contains("00000000000000aa (" + address() + ") left the ring after ");
        assertThat(calls).contains("POST /admin/leave");
    }

    @Test
    void aNodeWithoutTheLeaveEndpointIsNotDeregisteredUnlessAsked() throws IOException {
        List<String> calls = new CopyOnWriteArrayList<>();
        fake = fakeNode(calls, exchange -> switch (exchange.getRequestURI().getPath()) {
            case "/actuator/ring" -> reply(exchange, 200, ring("READY", 5));
            case "/nodes" -> reply(exchange, 200, listing());
            case "/nodes/00000000000000aa" -> reply(exchange, 204, "");
            default -> reply(exchange, 404, "{\"status\":404,\"title\":\"Not Found\"}");
        });

        Cli.Result refused = Cli.run("--registry", url(), "leave", address());
        assertThat(refused.exit()).isEqualTo(Exit.FAILED);
        assertThat(refused.stderr()).hasLineCount(1).contains("has no POST /admin/leave")
                .contains("SIGTERM").contains("--deregister-only");
        assertThat(calls).doesNotContain("DELETE /nodes/00000000000000aa");

        Cli.Result deregistered = Cli.run("--registry", url(), "leave", address(), "--deregister-only");
        assertThat(deregistered.exit()).as(deregistered.toString()).isZero();
        assertThat(deregistered.out()).isEqualTo("00000000000000aa (" + address() + ") removed from the registry\n");
        assertThat(deregistered.stderr()).contains("warning").contains("keeps its 5 keys");
        assertThat(calls).contains("DELETE /nodes/00000000000000aa");
    }

    private interface Handler {
        boolean handle(HttpExchange exchange) throws IOException;
    }

    /** One HTTP server standing for both the registry and a node at the same address. */
    private static HttpServer fakeNode(List<String> calls, Handler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            calls.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
            handler.handle(exchange);
        });
        server.start();
        return server;
    }

    private static boolean reply(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
        return true;
    }

    private String address() {
        return "127.0.0.1:" + fake.getAddress().getPort();
    }

    @Test
    void progressCountsTheKeysOfItsOwnRangeNotTheReplicaCopiesItKeeps() {
        Cluster.NodeStatus before = status("READY", 21, 15L);
        assertThat(LeaveCommand.toHandOver(before)).isEqualTo(15);
        assertThat(LeaveCommand.progress(before, status("LEAVING", 21, 0L))).contains("0 of 15 keys handed over, 15 left");
        assertThat(LeaveCommand.progress(before, status("LEAVING", 10, 0L))).contains("11 of 15 keys handed over, 4 left");
        assertThat(LeaveCommand.progress(before, status("LEAVING", 6, 0L))).contains("15 of 15 keys handed over, 0 left");
        assertThat(LeaveCommand.progress(before, status("LEAVING", 2, 0L))).contains("15 of 15 keys handed over, 0 left");
    }

    private static Cluster.NodeStatus status(String state, long keys, Long ownedKeys) {
        return new Cluster.NodeStatus(RingPosition.parse("00000000000000aa"), "127.0.0.1:1", state, null, null, List.of(),
                keys, ownedKeys, 2, List.of(), List.of());
    }

    private String url() {
        return "http://" + address();
    }

    private String listing() {
        return "{\"nodes\":[{\"id\":\"00000000000000aa\",\"address\":\"" + address() + "\",\"state\":\"UP\"}]}";
    }

    private String ring(String state, long keys) {
        String handingOver = state.equals("LEAVING")
                ? "[{\"range\":{\"start\":\"00000000000000aa\",\"end\":\"00000000000000bb\"},"
                + "\"peer\":{\"id\":\"00000000000000cc\",\"address\":\"127.0.0.1:1\"}}]"
                : "[]";
        return "{\"id\":\"00000000000000aa\",\"address\":\"" + address() + "\",\"state\":\"" + state + "\","
                + "\"predecessor\":{\"id\":\"00000000000000cc\",\"address\":\"127.0.0.1:1\"},"
                + "\"successor\":{\"id\":\"00000000000000cc\",\"address\":\"127.0.0.1:1\"},"
                + "\"owns\":{\"start\":\"00000000000000aa\",\"end\":\"00000000000000cc\"},"
                + "\"keys\":" + keys + ",\"knownNodes\":2,\"receiving\":[],\"handingOver\":" + handingOver + "}";
    }

    private JsonNode json(String url) {
        return cluster.http().get().uri(URI.create(url)).retrieve().body(JsonNode.class);
    }
}
