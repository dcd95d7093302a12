package dht.bench.ring;

import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.wire.RingListing;
import dht.core.wire.RingSnapshot;
import dht.node.NodeApplication;
import dht.node.membership.LocalNode;
import dht.node.membership.NodeState;
import dht.registry.RegistryApplication;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.ConfigurationPropertiesBean;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.RecordComponent;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Rings of growing size in this JVM (a registry and the real node application, keys in memory):
 * for each size, writes keys through random nodes and reads them back through random nodes,
 * recording {@code X-DHT-Hops}, then reads how many keys each node owns from {@code /actuator/ring}.
 * When the node has a {@code dht.virtual-nodes} setting, the balance is measured again on a second
 * ring with that many positions per node.
 *
 * <p>Arguments ({@code --name=value}): {@code sizes} (1,2,4,8,16,32), {@code keys} per size
 * (10000), {@code first-port} (53100; the registry, then one port per node), {@code virtual-nodes}
 * (8), {@code result} (a file that gets one {@code RING ...} line per size). Progress goes to
 * standard error, the applications' own logs to standard output. With {@code --routing-at-scale=true}
 * it runs {@link RoutingAtScale} instead: thousands of nodes on paper, with no application started.
 */
public final class RingBench {

    private static final Duration RING_DEADLINE = Duration.ofSeconds(180);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int CONCURRENCY = 8;
    private static final byte[] VALUE = "v".repeat(100).getBytes(StandardCharsets.UTF_8);
    private static final PrintStream progress = System.err;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final int keys;
    private final int lastPort;
    private int nextPort;

    private RingBench(int firstPort, int lastPort, int keys) {
        this.nextPort = firstPort;
        this.lastPort = lastPort;
        this.keys = keys;
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable failure) {
            failure.printStackTrace();
            // the applications' non-daemon threads would keep the JVM alive
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] args) throws IOException {
        Map<String, String> options = Arrays.stream(args)
                .filter(arg -> arg.startsWith("--") && arg.contains("="))
                .collect(Collectors.toMap(arg -> arg.substring(2, arg.indexOf('=')), arg -> arg.substring(arg.indexOf('=') + 1)));
        List<Integer> sizes = Arrays.stream(options.getOrDefault("sizes", "1,2,4,8,16,32").split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        int keys = Integer.parseInt(options.getOrDefault("keys", "10000"));
        int firstPort = Integer.parseInt(options.getOrDefault("first-port", "53100"));
        int lastPort = Integer.parseInt(options.getOrDefault("last-port", "53199"));
        int virtualNodes = Integer.parseInt(options.getOrDefault("virtual-nodes", "8"));
        Path result = Path.of(options.getOrDefault("result", "ring-bench.txt"));
        if (Boolean.parseBoolean(options.getOrDefault("routing-at-scale", "false"))) {
            RoutingAtScale.run(options, result);
            return;
        }

        List<String> lines = new ArrayList<>();
        RingBench bench = new RingBench(firstPort, lastPort, keys);
        boolean virtualNodesSupported;
        try (Cluster plain = bench.new Cluster(List.of())) {
            for (int size : sizes) {
                lines.add(bench.grow(plain, size).line("RING"));
                Files.write(result, lines);
            }
            virtualNodesSupported = supportsVirtualNodes(plain.nodes.getFirst().context());
        }
        if (virtualNodesSupported) {
            progress.printf("[ring] the node has dht.virtual-nodes: balance again with %d positions per node%n", virtualNodes);
            try (Cluster virtual = bench.new Cluster(List.of("--dht.virtual-nodes=" + virtualNodes))) {
                for (int size : sizes) {
                    lines.add(bench.grow(virtual, size).line("VNODES vnodes=" + virtualNodes));
                    Files.write(result, lines);
                }
            }
        } else {
            progress.println("[ring] the node has no dht.virtual-nodes setting: balance with virtual nodes not measured");
            lines.add("VNODES unsupported");
            Files.write(result, lines);
        }
    }

    /**
     * Whether the node binds a {@code dht.virtual-nodes} property: a {@code virtualNodes} component
     * or bean property of one of its {@code dht} configuration-properties classes.
     */
    static boolean supportsVirtualNodes(ConfigurableApplicationContext node) {
        for (ConfigurationPropertiesBean bean : ConfigurationPropertiesBean.getAll(node).values()) {
            String prefix = bean.getAnnotation().prefix().isEmpty() ? bean.getAnnotation().value() : bean.getAnnotation().prefix();
            if (prefix.equals("dht.virtual-nodes")) {
                return true;
            }
            if (!prefix.equals("dht")) {
                continue;
            }
            Class<?> type = ClassUtils.getUserClass(bean.getInstance());
            if (type.isRecord()) {
                for (RecordComponent component : type.getRecordComponents()) {
                    if (component.getName().equals("virtualNodes")) {
                        return true;
                    }
                }
            }
            for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
                if (property.getName().equals("virtualNodes")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Adds nodes until the ring has {@code size}, waits until it is stable, then measures it. */
    private Measurement grow(Cluster cluster, int size) {
        long started = System.nanoTime();
        int adding = size - cluster.nodes.size();
        if (adding > 0) {
            progress.printf("[ring] N=%d: starting %d node(s)%n", size, adding);
            cluster.startNodes(adding);
        }
        cluster.awaitStable();
        progress.printf("[ring] N=%d: ring stable after %d s; %d PUTs and %d GETs through random nodes%n",
                size, secondsSince(started), keys, keys);
        return measure(cluster, size);
    }

    private Measurement measure(Cluster cluster, int size) {
        List<TestNode> nodes = List.copyOf(cluster.nodes);
        AtomicLong hopsSum = new AtomicLong();
        AtomicInteger hopsMax = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Map<Integer, AtomicInteger> hopCounts = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < CONCURRENCY; w++) {
                int worker = w;
                workers.submit(() -> {
                    Random random = new Random(31L * size + worker);
                    for (int i = next.getAndIncrement(); i < keys; i = next.getAndIncrement()) {
                        String key = "ring-" + size + "-" + i;
                        for (String method : List.of("PUT", "GET")) {
                            TestNode entry = nodes.get(random.nextInt(nodes.size()));
                            int hops = request(method, entry, key);
                            if (hops < 0) {
                                failed.incrementAndGet();
                            } else {
                                served.incrementAndGet();
                                hopsSum.addAndGet(hops);
                                hopsMax.accumulateAndGet(hops, Math::max);
                                hopCounts.computeIfAbsent(hops, h -> new AtomicInteger()).incrementAndGet();
                            }
                        }
                    }
                });
            }
            workers.shutdown();
            try {
                if (!workers.awaitTermination(10, TimeUnit.MINUTES)) {
                    progress.println("[ring] requests did not finish within 10 minutes; counting what was done");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        cluster.awaitStable();
        long[] owned = nodes.stream().map(this::ringStatus)
                .mapToLong(ring -> ring == null || ring.ownedKeys() == null ? 0 : ring.ownedKeys()).sorted().toArray();
        long total = Arrays.stream(owned).sum();
        double mean = (double) total / owned.length;
        long p99 = owned[Math.max(0, (int) Math.ceil(0.99 * owned.length) - 1)];
        Measurement measurement = new Measurement(size, served.get(), failed.get(),
                served.get() == 0 ? 0 : (double) hopsSum.get() / served.get(), hopsMax.get(), new TreeMap<>(
                hopCounts.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()))),
                total, owned[owned.length - 1] / mean, p99 / mean, owned[0] / mean);
        progress.printf("[ring] N=%d: %s%n", size, measurement.line(""));
        return measurement;
    }

    /** Sends one request; answers its X-DHT-Hops, or -1 when it failed. */
    private int request(String method, TestNode entry, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(entry.url() + "/keys/" + key)).timeout(REQUEST_TIMEOUT);
        if (method.equals("PUT")) {
            request.PUT(HttpRequest.BodyPublishers.ofByteArray(VALUE)).header("Content-Type", "application/octet-stream");
        } else {
            request.GET();
        }
        try {
            HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                return -1;
            }
            return response.headers().firstValue("X-DHT-Hops").map(Integer::parseInt).orElse(-1);
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The node's {@code /actuator/ring}; null while it does not answer. */
    private RingSnapshot ringStatus(TestNode node) {
        JsonNode answer = getJson(node.url() + "/actuator/ring");
        return answer.isMissingNode() ? null : json.treeToValue(answer, RingSnapshot.class);
    }

    private JsonNode getJson(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? json.readTree(response.body()) : json.missingNode();
        } catch (IOException | RuntimeException e) {
            return json.missingNode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return json.missingNode();
        }
    }

    /**
     * Starts an application on a free port of the range, on the next one when a passing outgoing
     * connection took the port between the check and the start (the range lies in the kernel's
     * range for those).
     */
    private <T> T onFreePort(IntFunction<T> start) {
        for (int attempt = 1; ; attempt++) {
            int port = takePort();
            try {
                return start.apply(port);
            } catch (RuntimeException e) {
                if (attempt == 3 || !portInUse(e)) {
                    throw e;
                }
                progress.printf("[ring] port %d was taken meanwhile; trying the next one%n", port);
            }
        }
    }

    private static boolean portInUse(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PortInUseException || cause instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private synchronized int takePort() {
        while (nextPort <= lastPort) {
            int port = nextPort++;
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (IOException taken) {
                progress.printf("[ring] port %d is taken, skipping it%n", port);
            }
        }
        throw new IllegalStateException("no free port left up to " + lastPort);
    }

    private static long secondsSince(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - nanos);
    }

    /** What one ring size gave. */
    record Measurement(int size, int requests, int failed, double hopsMean, int hopsMax, Map<Integer, Integer> hops,
                       long keys, double maxOverMean, double p99OverMean, double minOverMean) {

        String line(String tag) {
            String histogram = hops.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(","));
            return String.format(Locale.ROOT,
                    "%s n=%d requests=%d failed=%d hops_mean=%.3f hops_max=%d hops=%s keys=%d max_over_mean=%.2f p99_over_mean=%.2f min_over_mean=%.2f",
                    tag, size, requests, failed, hopsMean, hopsMax, histogram, keys, maxOverMean, p99OverMean, minOverMean).trim();
        }
    }

    record TestNode(NodeRef ref, String url, ConfigurableApplicationContext context) {
    }

    /** A registry and nodes in this JVM; closing it stops them without leaving, then the registry. */
    private final class Cluster implements AutoCloseable {

        private final List<String> nodeProperties;
        private final List<TestNode> nodes = new CopyOnWriteArrayList<>();
        private final ConfigurableApplicationContext registry;
        private final String registryUrl;

        Cluster(List<String> nodeProperties) {
            this.nodeProperties = nodeProperties;
            this.registry = onFreePort(port -> RegistryApplication.application().run(
                    "--server.port=" + port, "--server.address=127.0.0.1", "--spring.jmx.enabled=false",
                    "--spring.main.banner-mode=off", "--logging.level.root=WARN"));
            this.registryUrl = "http://127.0.0.1:" + ((WebServerApplicationContext) registry).getWebServer().getPort();
        }

        void startNodes(int count) {
            // Platform threads: applications starting side by side on virtual threads pinned both
            // carriers (class initialization) and stalled for good. Threads made here also inherit
            // the launcher's class loader, which the common pool's do not.
            try (ExecutorService starters = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().name("start-", 0).factory())) {
                List<CompletableFuture<Void>> starts = IntStream.range(0, count)
                        .mapToObj(i -> CompletableFuture.runAsync(() -> nodes.add(onFreePort(this::startNode)), starters))
                        .toList();
                CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
            }
        }

        private TestNode startNode(int port) {
            String address = "127.0.0.1:" + port;
            List<String> args = new ArrayList<>(List.of(
                    "--server.port=" + port,
                    "--server.address=127.0.0.1",
                    "--spring.jmx.enabled=false",
                    "--spring.main.banner-mode=off",
                    "--logging.level.root=WARN",
                    "--dht.advertised-address=" + address,
                    "--dht.registry-url=" + registryUrl,
                    "--dht.storage.type=memory",
                    "--dht.retry-interval=200ms"));
            args.addAll(nodeProperties);
            ConfigurableApplicationContext context = NodeApplication.application().run(args.toArray(String[]::new));
            return new TestNode(NodeRef.at(address), "http://" + address, context);
        }

        /** Waits until the registry lists exactly these nodes and each is ready, agrees on its neighbors and knows the whole ring. */
        void awaitStable() {
            long deadline = System.nanoTime() + RING_DEADLINE.toNanos();
            long lastReport = System.nanoTime();
            while (!isStable()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the ring of " + nodes.size() + " nodes was not stable within " + RING_DEADLINE);
                }
                if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(10)) {
                    progress.printf("[ring] waiting for a stable ring of %d nodes%n", nodes.size());
                    lastReport = System.nanoTime();
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }

        private boolean isStable() {
            Ring expected = Ring.of(nodes.stream().map(TestNode::ref).toList());
            Ring listed = json.treeToValue(getJson(registryUrl + "/nodes"), RingListing.class).ring();
            if (!listed.nodes().equals(expected.nodes())) {
                return false;
            }
            for (TestNode node : nodes) {
                RingSnapshot ring = ringStatus(node);
                RingPosition id = node.ref().id();
                if (ring == null || !"READY".equals(ring.state()) || !Integer.valueOf(expected.size()).equals(ring.knownNodes())
                        || !knowsEveryPosition(ring, listed)
                        || !ring.receivingOrNone().isEmpty() || !ring.handingOverOrNone().isEmpty()
                        || ring.successor() == null || !ring.successor().id().equals(listed.memberAfter(id).id())
                        || ring.predecessor() == null || !ring.predecessor().id().equals(listed.memberBefore(id).id())) {
                    return false;
                }
            }
            return true;
        }

        /**
         * With virtual nodes a node learns a joiner's positions one splice at a time and the rest at its next
         * refresh from the registry; until then it sends some keys an extra hop.
         */
        private static boolean knowsEveryPosition(RingSnapshot ring, Ring listed) {
            return ring.knownPositions() == null || ring.knownPositions() == listed.positionCount();
        }

        /** Stops every node as a crash would (no leave: the whole ring goes), then the registry. */
        @Override
        public void close() {
            for (TestNode node : nodes) {
                try {
                    ((WebServerApplicationContext) node.context()).getWebServer().stop();
                    node.context().getBean(LocalNode.class).update(NodeState.LEFT);
                } catch (RuntimeException e) {
                    progress.printf("[ring] stopping %s: %s%n", node.url(), e);
                }
            }
            Map<String, Throwable> failures = new HashMap<>();
            for (TestNode node : nodes) {
                try {
                    node.context().close();
                } catch (RuntimeException e) {
                    failures.put(node.url(), e);
                }
            }
            nodes.clear();
            registry.close();
            failures.forEach((url, e) -> progress.printf("[ring] closing %s: %s%n", url, e));
        }
    }

}
