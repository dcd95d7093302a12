package dht.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A registry and nodes that answer as a test tells them, on free loopback ports: for what a real
 * cluster cannot be made to do on cue (refuse a write after applying it, fail every node at once).
 */
final class FakeCluster implements AutoCloseable {

    private final HttpServer registry;
    private final List<FakeNode> nodes = new ArrayList<>();
    private final AtomicInteger ringReads = new AtomicInteger();

    FakeCluster(int nodeCount) {
        for (int i = 0; i < nodeCount; i++) {
            nodes.add(new FakeNode());
        }
        registry = server();
        registry.createContext("/nodes", exchange -> {
            ringReads.incrementAndGet();
            String members = nodes.stream().map(node -> "{\"id\":\"" + node.ref().id() + "\",\"address\":\"" + node.ref().address()
                    + "\",\"state\":\"UP\"}").collect(Collectors.joining(","));
            respond(exchange, new Answer(200, Map.of("Content-Type", "application/json"), "{\"nodes\":[" + members + "]}"));
        });
        registry.start();
    }

    URI registryUrl() {
        return URI.create("http://127.0.0.1:" + registry.getAddress().getPort());
    }

    int ringReads() {
        return ringReads.get();
    }

    /** The fake nodes of {@code key} in the order the ring makes them its replicas: the owner first. */
    List<FakeNode> replicasOf(String key) {
        Ring ring = Ring.of(nodes.stream().map(FakeNode::ref).toList());
        return ring.replicasOf(RingPosition.ofKey(key), nodes.size()).stream()
                .map(ref -> nodes.stream().filter(node -> node.ref().equals(ref)).findFirst().orElseThrow())
                .toList();
    }

    @Override
    public void close() {
        registry.stop(0);
        nodes.forEach(FakeNode::stop);
    }

    /** A status, headers and a body, as a fake node answers. */
    record Answer(int status, Map<String, String> headers, String body) {

        static Answer problem(int status, String title, FakeNode owner) {
            return new Answer(status, Map.of("Content-Type", "application/problem+json", "X-DHT-Owner", owner.ref().id().toString(),
                    "X-DHT-Hops", "0"), "{\"status\":" + status + ",\"title\":\"" + title + "\",\"detail\":\"as the test asked\"}");
        }

        static Answer value(String text, String version, FakeNode owner) {
            return new Answer(200, Map.of("Content-Type", "text/plain", "ETag", "\"" + version + "\"",
                    "X-DHT-Owner", owner.ref().id().toString(), "X-DHT-Hops", "0"), text);
        }
    }

    /** One request as a fake node received it. */
    record Received(String method, String path, Map<String, List<String>> headers) {

        /** The first value of a header, whatever the case of its name; null when absent. */
        String header(String name) {
            return headers.entrySet().stream().filter(header -> header.getKey().equalsIgnoreCase(name))
                    .map(header -> header.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    /** A node on a free port: answers every {@code /keys} request with what {@link #answer} says, and logs it. */
    static final class FakeNode {

        private final HttpServer server = server();
        private final List<Received> received = new CopyOnWriteArrayList<>();
        private volatile Function<Received, Answer> answer = request -> new Answer(500, Map.of(), "no answer set");

        FakeNode() {
            server.createContext("/keys", exchange -> {
                exchange.getRequestBody().readAllBytes();
                Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
                        Map.copyOf(exchange.getRequestHeaders()));
                received.add(request);
                respond(exchange, answer.apply(request));
            });
            server.start();
        }

        NodeRef ref() {
            return NodeRef.at("127.0.0.1:" + server.getAddress().getPort());
        }

        void answers(Function<Received, Answer> answer) {
            this.answer = answer;
        }

        List<Received> received() {
            return List.copyOf(received);
        }

        /** Closes its port: connections to it are refused from now on. */
        void stop() {
            server.stop(0);
        }
    }

    private static HttpServer server() {
        try {
            return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void respond(HttpExchange exchange, Answer answer) throws IOException {
        answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }
}
