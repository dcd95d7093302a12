package dht.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dht.core.wire.DhtHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dhtctl} against a secured cluster: the token of {@code --token} or {@code DHT_TOKEN} goes
 * as a bearer token with every call, to the registry and to the nodes, also where the ring is
 * learned from a node. A stand-in server, registry and node at once, records what each request carried.
 */
class CredentialsTest {

    private static final String NODE_ID = "00c3f22a00000000";

    /** One request as the stand-in saw it. */
    record Seen(String method, String path, Optional<String> authorization) {
    }

    private final Queue<Seen> seen = new ConcurrentLinkedQueue<>();
    private HttpServer server;
    private String url;

    @BeforeEach
    void startStandIn() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        String address = "127.0.0.1:" + server.getAddress().getPort();
        url = "http://" + address;
        server.createContext("/nodes", exchange -> answer(exchange, 200, "application/json",
                "{\"nodes\": [{\"id\": \"" + NODE_ID + "\", \"address\": \"" + address + "\", \"state\": \"UP\"}]}"));
        server.createContext("/actuator/info", exchange -> answer(exchange, 200, "application/json",
                "{\"dht\": {\"id\": \"" + NODE_ID + "\", \"address\": \"" + address + "\", \"state\": \"READY\", \"keys\": 0}}"));
        server.createContext("/keys/", exchange -> answer(exchange, exchange.getRequestMethod().equals("PUT") ? 201 : 200,
                "text/plain", "hello"));
        server.createContext("/ring/events", exchange -> answer(exchange, 200, "text/event-stream",
                "event: node-joined\ndata: {\"type\": \"node-joined\"}\n\n"));
        server.start();
    }

    @AfterEach
    void stopStandIn() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"))));
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set(DhtHeaders.OWNER, NODE_ID);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void theTokenOptionGoesToTheRegistryAndToTheNode() {
        Cli.Result result = Cli.run("--registry", url, "--token", "s3cret", "get", "greeting");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(seen).extracting(Seen::path).containsExactly("/nodes", "/keys/greeting");
        assertThat(seen).extracting(Seen::authorization).containsOnly(Optional.of("Bearer s3cret"));
    }

    @Test
    void theTokenComesFromTheEnvironmentWhenNoOptionGivesIt() {
        Cli.Result result = Cli.run(new byte[0], Map.of("DHT_TOKEN", "from-env"), "--node", url, "put", "greeting", "hello");

        assertThat(result.exit()).as(result.toString()).isZero();
        // the client learns the ring from the node before it sends the write to the key's owner
        assertThat(seen).containsExactly(new Seen("GET", "/actuator/info", Optional.of("Bearer from-env")),
                new Seen("PUT", "/keys/greeting", Optional.of("Bearer from-env")));
    }

    @Test
    void theOptionWinsOverTheEnvironment() {
        Cli.Result result = Cli.run(new byte[0], Map.of("DHT_TOKEN", "from-env"), "--node", url, "--token", "from-option",
                "get", "greeting");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(seen).extracting(Seen::path).containsExactly("/actuator/info", "/keys/greeting");
        assertThat(seen).extracting(Seen::authorization).containsOnly(Optional.of("Bearer from-option"));
    }

    @Test
    void ringEventsAreFollowedWithTheToken() throws Exception {
        Cli.Running watch = Cli.start("--node", url, "--token", "s3cret", "watch", "--no-reconnect", "-n", "1");

        Cli.Result result = watch.await(Duration.ofSeconds(30));

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(seen).containsExactly(new Seen("GET", "/ring/events", Optional.of("Bearer s3cret")));
    }

    @Test
    void withoutATokenNoAuthorizationIsSent() {
        Cli.Result result = Cli.run(new byte[0], Map.of("DHT_TOKEN", " "), "--registry", url, "get", "greeting");

        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(seen).extracting(Seen::authorization).containsOnly(Optional.empty());
    }

    @Test
    void nodesAreCalledWithTheSchemeOfTheRegistry() {
        try (Cluster cluster = new Cluster("https://registry.example:50000", null, Duration.ofSeconds(1), null)) {
            assertThat(cluster.urlOf("node-1.example:50001")).hasToString("https://node-1.example:50001");
        }
        try (Cluster cluster = new Cluster(null, "node-0.example:50001", Duration.ofSeconds(1), null)) {
            assertThat(cluster.urlOf("node-1.example:50001")).hasToString("http://node-1.example:50001");
        }
    }
}
