package dht.cli;

import dht.node.NodeApplication;
import dht.registry.RegistryApplication;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;

/**
 * A registry and in-memory DHT nodes in this JVM on free loopback ports, for running {@code dhtctl}
 * against: the idea of cluster-tests' {@code TestCluster}, cut down to what the command tests need.
 */
final class LocalCluster implements AutoCloseable {

    private static final Duration RING_DEADLINE = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final ConfigurableApplicationContext registry;
    private final String registryUrl;
    private final Map<Integer, Node> nodes = new TreeMap<>();
    private int nextIndex;

    /** Further arguments of every node, such as {@code --dht.virtual-nodes=4}. */
    private final List<String> nodeArguments;

    private LocalCluster(int nodeCount, List<String> nodeArguments) {
        this.nodeArguments = nodeArguments;
        int port = freePort();
        registry = RegistryApplication.application().run(
                "--server.port=" + port, "--server.address=127.0.0.1", "--spring.jmx.enabled=false");
        registryUrl = "http://127.0.0.1:" + port;
        List<CompletableFuture<Node>> starting = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            starting.add(CompletableFuture.supplyAsync(this::startNode));
        }
        starting.forEach(node -> add(node.join()));
        awaitRing();
    }

    static LocalCluster start(int nodes, String... nodeArguments) {
        return new LocalCluster(nodes, List.of(nodeArguments));
    }

    /** Starts one more node and waits until the ring has it; answers its index. */
    int addNode() {
        int index = add(startNode());
        awaitRing();
        return index;
    }

    /** Stops node {@code index} the way SIGTERM does (a graceful leave) and waits for the ring. */
    void stop(int index) {
        Node node;
        synchronized (this) {
            node = nodes.remove(index);
        }
        node.context().close();
        awaitRing();
    }

    /** Forgets a node that left by itself (after {@code dhtctl leave}) and waits for the ring without it. */
    void forget(int index) {
        synchronized (this) {
            nodes.remove(index);
        }
        awaitRing();
    }

    String registryUrl() {
        return registryUrl;
    }

    synchronized Node node(int index) {
        return nodes.get(index);
    }

    synchronized List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    /** GET {@code url} as JSON, or {@code null} when it cannot be had. */
    JsonNode json(String url) {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return response.statusCode() == 200 ? Json.MAPPER.readTree(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Waits until the registry lists exactly the running nodes, all active, and each node is ready and knows them all, at every position. */
    void awaitRing() {
        await("a ring of the running nodes").atMost(RING_DEADLINE).pollInterval(Duration.ofMillis(100)).until(this::ringIsSettled);
    }

    private boolean ringIsSettled() {
        List<Node> running = nodes();
        JsonNode listing = json(registryUrl + "/nodes");
        if (listing == null) {
            return false;
        }
        Set<String> listed = new TreeSet<>();
        int positionCount = 0;
        for (JsonNode member : listing.path("nodes")) {
            if (!"ACTIVE".equals(member.path("state").asString())) {
                return false;
            }
            listed.add(member.path("address").asString());
            positionCount += 1 + member.path("virtualPositions").size();
        }
        Set<String> expected = new TreeSet<>(running.stream().map(Node::address).toList());
        if (!listed.equals(expected)) {
            return false;
        }
        for (Node node : running) {
            JsonNode ring = json(node.url() + "/actuator/ring");
            if (ring == null || !"READY".equals(ring.path("state").asString()) || ring.path("knownNodes").asInt() != running.size()
                    || ring.has("knownPositions") && ring.path("knownPositions").asInt() != positionCount) {
                return false;
            }
        }
        return true;
    }

    private synchronized int add(Node node) {
        int index = nextIndex++;
        nodes.put(index, node);
        return index;
    }

    private Node startNode() {
        int port = freePort();
        String address = "127.0.0.1:" + port;
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--spring.jmx.enabled=false",
                "--dht.advertised-address=" + address,
                "--dht.registry-url=" + registryUrl,
                "--dht.storage.type=memory",
                "--dht.retry-interval=200ms",
                "--dht.ring-refresh-interval=200ms"));
        arguments.addAll(nodeArguments);
        ConfigurableApplicationContext context = NodeApplication.application().run(arguments.toArray(String[]::new));
        return new Node(address, context);
    }

    /** Stops the nodes one after another (each leaving gracefully), then the registry. */
    @Override
    public void close() {
        for (Node node : nodes()) {
            node.context().close();
        }
        synchronized (this) {
            nodes.clear();
        }
        registry.close();
        http.close();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A running node: its {@code host:port} and its Spring application. */
    record Node(String address, ConfigurableApplicationContext context) {

        String url() {
            return "http://" + address;
        }
    }
}
