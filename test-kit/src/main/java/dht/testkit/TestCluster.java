package dht.testkit;

import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.wire.Member;
import dht.core.wire.RingListing;
import dht.core.wire.RingSnapshot;
import dht.node.NodeApplication;
import dht.node.membership.LeaveProcess;
import dht.node.membership.LocalNode;
import dht.node.membership.NodeState;
import dht.registry.RegistryApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.FileSystemUtils;
import org.springframework.web.client.RestClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import static org.awaitility.Awaitility.await;

/**
 * A registry and DHT nodes in this JVM, each its own Spring application on a free loopback port
 * with its RocksDB store in a temporary folder that {@link #close()} removes.
 * Nodes start in parallel; {@link #stop(int)} makes one leave gracefully; {@link #close()} stops
 * everything this cluster started. A cluster can run with a cluster token and over mutual TLS, as a
 * production one would; its {@link #http() client} then presents the same credentials.
 */
public final class TestCluster implements AutoCloseable {

    private static final Duration RING_DEADLINE = Duration.ofSeconds(60);
    /** The SSL bundle every app of a cluster over TLS serves, trusts and calls the others with. */
    private static final String SSL_BUNDLE = "dht";

    private final int registryPort;
    private final String registryUrl;
    private ConfigurableApplicationContext registry;
    private final Map<Integer, Node> nodes = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> killedPorts = new ConcurrentHashMap<>();
    private final String scheme;
    private final List<String> clusterProperties;
    private final List<String> nodeProperties;
    private final List<String> registryProperties;
    private final RestClient http;
    private final Path dataRoot;
    private int nextIndex;

    private TestCluster(Builder builder) {
        this.scheme = builder.certificate == null ? "http" : "https";
        this.clusterProperties = clusterProperties(builder);
        this.nodeProperties = List.copyOf(builder.nodeProperties);
        this.registryProperties = List.copyOf(builder.registryProperties);
        this.dataRoot = createDataRoot();
        this.http = client(builder);
        this.registryPort = freePort();
        this.registry = startRegistry();
        this.registryUrl = scheme + "://127.0.0.1:" + registryPort;
        try {
            startNodes(builder.nodes);
            awaitRing();
        } catch (RuntimeException e) {
            // a cluster that never formed is stopped here: no test holds it to close it
            close();
            throw e;
        }
    }

    /** What the registry and every node share: the cluster token, and serving and calling over mutual TLS. */
    private static List<String> clusterProperties(Builder builder) {
        List<String> properties = new ArrayList<>();
        if (builder.clusterToken != null) {
            properties.add("dht.security.cluster-token=" + builder.clusterToken);
        }
        if (builder.certificate != null) {
            properties.addAll(builder.certificate.bundleProperties(SSL_BUNDLE));
            properties.add("server.ssl.bundle=" + SSL_BUNDLE);
            properties.add("server.ssl.client-auth=need");
            // the registry probes nodes with it
            properties.add("dht.security.peer-ssl-bundle=" + SSL_BUNDLE);
        }
        return properties.stream().map(property -> "--" + property).toList();
    }

    /** The tests' client, with the cluster's credentials: its token, its certificate. */
    private static RestClient client(Builder builder) {
        HttpClient.Builder client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2));
        if (builder.certificate != null) {
            client.sslContext(builder.certificate.sslContext());
        }
        RestClient.Builder rest = RestClient.builder().requestFactory(new JdkClientHttpRequestFactory(client.build()));
        if (builder.clusterToken != null) {
            rest.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + builder.clusterToken);
        }
        return rest.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts {@code count} nodes at the same moment; answers their indexes. */
    public List<Integer> startNodes(int count) {
        List<Integer> indexes = new ArrayList<>();
        synchronized (this) {
            for (int i = 0; i < count; i++) {
                indexes.add(nextIndex++);
            }
        }
        List<CompletableFuture<Void>> starts = indexes.stream()
                .map(index -> CompletableFuture.runAsync(() -> nodes.put(index, startNode(freePort()))))
                .toList();
        CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        return indexes;
    }

    public int addNode() {
        int index = startNodes(1).getFirst();
        awaitRing();
        return index;
    }

    /**
     * Starts one more node with settings of its own ({@code name=value}), say {@code dht.seed-nodes};
     * waits for nothing, since the registry may be down.
     */
    public int startNodeWith(String... properties) {
        int index;
        synchronized (this) {
            index = nextIndex++;
        }
        nodes.put(index, startNode(freePort(), Arrays.stream(properties).map(property -> "--" + property).toList()));
        return index;
    }

    private Node startNode(int port) {
        return startNode(port, List.of());
    }

    private Node startNode(int port, List<String> ownProperties) {
        String address = "127.0.0.1:" + port;
        List<String> args = new ArrayList<>(List.of(
                "--server.port=" + port,
                "--server.address=127.0.0.1",
                "--spring.jmx.enabled=false",
                "--dht.advertised-address=" + address,
                "--dht.registry-url=" + registryUrl,
                "--dht.retry-interval=200ms",
                "--dht.ring-refresh-interval=200ms",
                "--dht.probe-interval=300ms",
                "--dht.data-dir=" + dataRoot.resolve("node-" + port)));
        args.addAll(clusterProperties);
        args.addAll(nodeProperties);
        args.addAll(ownProperties);
        ConfigurableApplicationContext context = NodeApplication.application().run(args.toArray(String[]::new));
        return new Node(NodeRef.at(address), scheme + "://" + address, context);
    }

    /** Makes node {@code index} leave gracefully (its keys go to its predecessor) and waits for the ring. */
    public void stop(int index) {
        Node node = nodes.remove(index);
        node.context().getBean(LeaveProcess.class).requestLeave();
        node.context().close();
        awaitRing();
    }

    /**
     * Stops node {@code index} as SIGTERM does by default: in place, DOWN but still a member at its
     * positions; {@link #restart} starts it again on its address and data dir. Waits for the ring of
     * the others.
     */
    public void stopInPlace(int index) {
        Node node = nodes.remove(index);
        killedPorts.put(index, URI.create(node.url()).getPort());
        node.context().close();
        awaitRing();
    }

    /**
     * Forgets node {@code index} after it left the ring by itself (as {@code dhtctl leave} makes it
     * leave), stops what is left of it, and waits for the ring without it.
     */
    public void forget(int index) {
        Node node = nodes.remove(index);
        node.context().close();
        awaitRing();
    }

    /**
     * Stops node {@code index} as a crash would: it stops answering at once and does not leave, so
     * that its neighbors must find out by themselves.
     */
    public void kill(int index) {
        Node node = nodes.remove(index);
        killedPorts.put(index, URI.create(node.url()).getPort());
        ((WebServerApplicationContext) node.context()).getWebServer().stop();
        node.context().getBean(LocalNode.class).update(NodeState.LEFT);
        node.context().close();
    }

    /** Stops the registry, as a crash would: its ring is gone with it. */
    public void stopRegistry() {
        registry.close();
    }

    /** Starts a registry with nothing on the same port, and waits until the live nodes have rebuilt its ring. */
    public void restartRegistry() {
        registry = startRegistry();
        awaitRing();
    }

    private ConfigurableApplicationContext startRegistry() {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=" + registryPort, "--server.address=127.0.0.1", "--spring.jmx.enabled=false"));
        args.addAll(clusterProperties);
        args.addAll(registryProperties);
        return RegistryApplication.application().run(args.toArray(String[]::new));
    }

    /**
     * Starts node {@code index}, killed or stopped in place, again on its address and data dir, as an
     * operator restarts a process, and waits for the ring.
     */
    public void restart(int index) {
        Integer port = killedPorts.remove(index);
        if (port == null) {
            throw new IllegalStateException("node " + index + " was not killed");
        }
        nodes.put(index, startNode(port));
        awaitRing();
    }

    /**
     * Waits until the registry lists exactly the running nodes, each one's neighbors agree with it,
     * each one's view of the whole ring has caught up, and each one has reconciled its range with
     * its replicas.
     */
    public void awaitRing() {
        awaitRing(RING_DEADLINE);
    }

    public void awaitRing(Duration deadline) {
        await("a consistent ring of " + nodes.size() + " nodes").atMost(deadline).pollInterval(Duration.ofMillis(100))
                .until(this::ringIsConsistent);
    }

    private boolean ringIsConsistent() {
        Ring listed = registryRing();
        if (!listed.nodes().equals(Ring.of(nodes.values().stream().map(Node::ref).toList()).nodes())) {
            return false;
        }
        for (Node node : nodes.values()) {
            RingSnapshot ring = snapshot(node.url());
            if (ring == null || !"READY".equals(ring.state())
                    || !Integer.valueOf(listed.size()).equals(ring.knownNodes())
                    || ring.knownPositions() != null && ring.knownPositions() != listed.positionCount()
                    || !Boolean.TRUE.equals(ring.replicasInSync())) {
                return false;
            }
            // each position the node stands at, with the neighbors it sees there
            List<RingSnapshot.Position> positions = ring.positions() != null ? ring.positions()
                    : List.of(new RingSnapshot.Position(ring.id(), ring.predecessor(), ring.successor(), ring.owns(), 0));
            List<RingPosition> listedPositions = listed.positionsOf(node.ref().id());
            if (positions.size() != listedPositions.size()) {
                return false;
            }
            for (RingSnapshot.Position position : positions) {
                RingPosition at = position.position();
                if (!listedPositions.contains(at)
                        || position.successor() == null || !position.successor().id().equals(listed.memberAfter(at).id())
                        || position.predecessor() == null || !position.predecessor().id().equals(listed.memberBefore(at).id())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The ring as the registry lists it, virtual positions included; empty while the registry does not answer. */
    public Ring registryRing() {
        try {
            RingListing listing = http.get().uri(registryUrl + "/nodes").accept(MediaType.APPLICATION_JSON).retrieve().body(RingListing.class);
            return listing == null ? Ring.empty() : listing.ring();
        } catch (RuntimeException e) {
            return Ring.empty();
        }
    }

    /** Every member the registry lists, in its state (DOWN ones included). */
    public List<Member> members() {
        RingListing listing = http.get().uri(registryUrl + "/nodes").accept(MediaType.APPLICATION_JSON).retrieve().body(RingListing.class);
        return listing == null ? List.of() : listing.nodes();
    }

    /** Waits until the registry lists the node {@code id} in no state at all: it left, or was DOWN and removed. */
    public void awaitRemoved(RingPosition id, Duration deadline) {
        await(id + " removed by the registry").atMost(deadline).pollInterval(Duration.ofMillis(100))
                .until(() -> members().stream().noneMatch(member -> member.id().equals(id)));
    }

    /** The node's view of itself, as {@code /actuator/ring} reports it; null while it does not answer. */
    public RingSnapshot ringView(int index) {
        return snapshot(node(index).url());
    }

    private RingSnapshot snapshot(String nodeUrl) {
        try {
            return http.get().uri(nodeUrl + "/actuator/ring").accept(MediaType.APPLICATION_JSON)
                    .exchange((request, response) -> response.getStatusCode().is2xxSuccessful()
                            ? response.bodyTo(RingSnapshot.class) : null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    public Node node(int index) {
        Node node = nodes.get(index);
        if (node == null) {
            throw new IllegalArgumentException("no running node " + index);
        }
        return node;
    }

    /** The node's URL, or null once it was stopped or killed (for load that runs across crashes). */
    public String nodeUrlOrNull(int index) {
        Node node = nodes.get(index);
        return node == null ? null : node.url();
    }

    /** The URL of a running node drawn with {@code random}. */
    public String randomNodeUrl(Random random) {
        List<Integer> running = indexes();
        return node(running.get(random.nextInt(running.size()))).url();
    }

    public List<Integer> indexes() {
        List<Integer> indexes = new ArrayList<>(nodes.keySet());
        Collections.sort(indexes);
        return indexes;
    }

    public String registryUrl() {
        return registryUrl;
    }

    /** A client that presents the cluster's credentials, if it has any. */
    public RestClient http() {
        return http;
    }

    /** Stops every node, one after another so that their leaves do not wait on each other, then the registry. */
    @Override
    public void close() {
        for (int index : indexes()) {
            nodes.remove(index).context().close();
        }
        if (registry.isActive()) {
            registry.close();
        }
        FileSystemUtils.deleteRecursively(dataRoot.toFile());
    }

    private static Path createDataRoot() {
        try {
            return Files.createTempDirectory("dht-cluster");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A running node: where it is and its Spring application. */
    public record Node(NodeRef ref, String url, ConfigurableApplicationContext context) {
    }

    public static final class Builder {
        private int nodes = 3;
        private final List<String> nodeProperties = new ArrayList<>();
        private final List<String> registryProperties = new ArrayList<>();
        private String clusterToken;
        private SelfSignedCertificate certificate;

        public Builder nodes(int nodes) {
            this.nodes = nodes;
            return this;
        }

        /** A setting for every node, as {@code name=value}. */
        public Builder nodeProperty(String property) {
            nodeProperties.add("--" + property);
            return this;
        }

        /** A setting for the registry, as {@code name=value}: say {@code dht.down-removal-timeout}. */
        public Builder registryProperty(String property) {
            registryProperties.add("--" + property);
            return this;
        }

        /** Runs the registry and every node with this {@code dht.security.cluster-token}. */
        public Builder clusterToken(String token) {
            this.clusterToken = token;
            return this;
        }

        /**
         * Runs the registry and every node over HTTPS only, with {@code certificate} as their SSL
         * bundle: each serves it, asks every caller for it (mutual TLS) and calls the others with it.
         */
        public Builder tls(SelfSignedCertificate certificate) {
            this.certificate = certificate;
            return this;
        }

        public TestCluster build() {
            return new TestCluster(this);
        }
    }
}
