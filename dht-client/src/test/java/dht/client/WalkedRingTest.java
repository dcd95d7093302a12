package dht.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dht.core.wire.DhtHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A ring learned from one node reached through a port-forward: the node names an address of its own
 * network and a neighbor there, neither reachable from here, and still serves every request, as it
 * forwards those it does not own.
 */
class WalkedRingTest {

    private static final String NODE_ID = "00c3f22a00000000";
    private HttpServer forwarded;
    /** Where the node says it is, and its neighbor: loopback ports nothing listens on, standing for another network. */
    private String ownAddress;
    private String neighborAddress;

    @BeforeEach
    void startNodeBehindAPortForward() throws IOException {
        ownAddress = "127.0.0.1:" + closedPort();
        neighborAddress = "127.0.0.1:" + closedPort();
        forwarded = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        forwarded.createContext("/actuator/info", exchange -> answer(exchange, 200, "{\"dht\": {\"id\": \"" + NODE_ID
                + "\", \"address\": \"" + ownAddress + "\", \"state\": \"READY\", \"keys\": 0, \"successor\": {\"id\": "
                + "\"80c3f22a00000000\", \"address\": \"" + neighborAddress + "\"}}}"));
        forwarded.createContext("/keys/", exchange -> answer(exchange, 200, "hello"));
        forwarded.start();
    }

    @AfterEach
    void stop() {
        forwarded.stop(0);
    }

    @Test
    void aNodeReachedAtAnotherAddressThanItNamesIsCalledWhereItWasReached() {
        URI url = URI.create("http://127.0.0.1:" + forwarded.getAddress().getPort());
        try (DhtClient client = DhtClient.builder().nodes(url).connectTimeout(Duration.ofSeconds(2)).build()) {
            Value value = client.get("greeting").orElseThrow();

            assertThat(value.asString()).isEqualTo("hello");
            assertThat(value.servedBy().node()).isEqualTo(url.getRawAuthority());
            assertThat(client.knownNodes()).extracting(node -> node.address()).containsExactly(ownAddress);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set(DhtHeaders.OWNER, NODE_ID);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
