package dht.bench.client;

import dht.client.DhtClient;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * One ring, two ways in, in one run: the Java client, which sends each request to a replica of its
 * key, against plain HTTP requests entering at a random node (which forwards when it holds no
 * replica), with the same number of closed-loop workers and the same JDK HTTP stack. Each request
 * records its latency and the {@code X-DHT-Hops} it was answered with.
 *
 * <p>Arguments ({@code --name=value}): {@code registry} (the registry's URL: the client learns the
 * ring from it), {@code nodes} (host:port,... for the random entries), {@code keys} (10000),
 * {@code value-bytes} (100), {@code workers} (24), {@code seconds} (20) and {@code warmup-seconds}
 * (10) per measurement, {@code result} (a file that gets one {@code CLIENT ...} line per way in and
 * operation). Progress goes to standard error.
 */
public final class ClientBench {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final PrintStream progress = System.err;
    /** In place of a hop count: the request failed. */
    private static final int FAILED = -2;

    private final DhtClient client;
    private final HttpClient http;
    private final List<String> nodes;
    private final int keys;
    private final byte[] value;
    private final int workers;

    private ClientBench(DhtClient client, List<String> nodes, int keys, int valueBytes, int workers) {
        this.client = client;
        this.nodes = nodes;
        this.keys = keys;
        this.value = "v".repeat(valueBytes).getBytes(StandardCharsets.UTF_8);
        this.workers = workers;
        // as the client's own: HTTP/1.1 keep-alive, so that only the routing differs
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Arrays.stream(args)
                .filter(arg -> arg.startsWith("--") && arg.contains("="))
                .collect(Collectors.toMap(arg -> arg.substring(2, arg.indexOf('=')), arg -> arg.substring(arg.indexOf('=') + 1)));
        URI registry = URI.create(required(options, "registry"));
        List<String> nodes = List.of(required(options, "nodes").split(","));
        int keys = Integer.parseInt(options.getOrDefault("keys", "10000"));
        int valueBytes = Integer.parseInt(options.getOrDefault("value-bytes", "100"));
        int workers = Integer.parseInt(options.getOrDefault("workers", "24"));
        Duration measured = Duration.ofSeconds(Long.parseLong(options.getOrDefault("seconds", "20")));
        Duration warmup = Duration.ofSeconds(Long.parseLong(options.getOrDefault("warmup-seconds", "10")));
        Path result = Path.of(options.getOrDefault("result", "client-bench.txt"));

        try (DhtClient client = DhtClient.builder().registry(registry).requestTimeout(REQUEST_TIMEOUT).build()) {
            ClientBench bench = new ClientBench(client, nodes, keys, valueBytes, workers);
            bench.load();
            List<String> lines = new ArrayList<>();
            for (Operation operation : Operation.values()) {
                for (WayIn wayIn : WayIn.values()) {
                    progress.printf("[client] %s through %s: %d s of warm-up%n", operation.label, wayIn.label, warmup.toSeconds());
                    bench.measure(wayIn, operation, warmup);
                    Tally tally = bench.measure(wayIn, operation, measured);
                    String line = tally.line(wayIn, operation, measured);
                    progress.println("[client] " + line);
                    lines.add(line);
                    Files.write(result, lines);
                }
            }
        }
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + "= is required");
        }
        return value;
    }

    /** Writes every key once through the client, so that reads find them. */
    private void load() throws Exception {
        progress.printf("[client] writing %d keys through the client%n", keys);
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
            List<Future<?>> loaders = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                loaders.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < keys; i = next.getAndIncrement()) {
                        client.put(key(i), value, "application/octet-stream");
                    }
                    return null;
                }));
            }
            for (Future<?> loader : loaders) {
                loader.get();
            }
        }
    }

    private Tally measure(WayIn wayIn, Operation operation, Duration duration) throws Exception {
        long deadline = System.nanoTime() + duration.toNanos();
        try (ExecutorService pool = Executors.newFixedThreadPool(workers)) {
            List<Future<Tally>> results = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                results.add(pool.submit(() -> {
                    Tally tally = new Tally();
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (System.nanoTime() < deadline) {
                        String key = key(random.nextInt(keys));
                        long start = System.nanoTime();
                        int hops;
                        try {
                            hops = wayIn == WayIn.CLIENT ? throughClient(operation, key) : throughRandomNode(operation, key, random);
                        } catch (Exception failure) {
                            hops = FAILED;
                        }
                        tally.add((System.nanoTime() - start) / 1_000, hops);
                    }
                    return tally;
                }));
            }
            Tally all = new Tally();
            for (Future<Tally> result : results) {
                all.addAll(result.get());
            }
            return all;
        }
    }

    private int throughClient(Operation operation, String key) {
        return switch (operation) {
            case GET -> client.get(key).orElseThrow().servedBy().hops();
            case PUT -> client.put(key, value, "application/octet-stream").servedBy().hops();
        };
    }

    private int throughRandomNode(Operation operation, String key, ThreadLocalRandom random) throws IOException, InterruptedException {
        URI uri = URI.create("http://" + nodes.get(random.nextInt(nodes.size())) + "/keys/"
                + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20"));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT);
        if (operation == Operation.PUT) {
            request.header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(value));
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() / 100 != 2) {
            return FAILED;
        }
        return response.headers().firstValue("X-DHT-Hops").map(Integer::parseInt).orElse(-1);
    }

    private static String key(int i) {
        return "c" + i;
    }

    private enum WayIn {
        CLIENT("client", "the Java client (straight to a replica)"),
        RANDOM("random", "a random node");

        final String name;
        final String label;

        WayIn(String name, String label) {
            this.name = name;
            this.label = label;
        }
    }

    private enum Operation {
        GET("GET"), PUT("PUT");

        final String label;

        Operation(String label) {
            this.label = label;
        }
    }

    /** What one worker, then all of them, saw: latencies in microseconds and hops ({@link ClientBench#FAILED} for a failed request). */
    private static final class Tally {
        private long[] latencies = new long[1 << 14];
        private int count;
        private long errors;
        private long hopsZero;
        private long hopsTotal;
        private long hopsAnswered;

        void add(long micros, int hops) {
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = micros;
            if (hops == FAILED) {
                errors++;
            } else if (hops >= 0) {
                hopsAnswered++;
                hopsTotal += hops;
                if (hops == 0) {
                    hopsZero++;
                }
            }
        }

        void addAll(Tally other) {
            if (count + other.count > latencies.length) {
                latencies = Arrays.copyOf(latencies, count + other.count);
            }
            System.arraycopy(other.latencies, 0, latencies, count, other.count);
            count += other.count;
            errors += other.errors;
            hopsZero += other.hopsZero;
            hopsTotal += other.hopsTotal;
            hopsAnswered += other.hopsAnswered;
        }

        String line(WayIn wayIn, Operation operation, Duration measured) {
            long[] sorted = Arrays.copyOf(latencies, count);
            Arrays.sort(sorted);
            return String.format(Locale.ROOT,
                    "CLIENT way=%s op=%s rps=%.0f requests=%d errors=%d hops0=%.4f hops_mean=%.3f p50_us=%d p99_us=%d p999_us=%d",
                    wayIn.name, operation.name().toLowerCase(Locale.ROOT), count / (double) measured.toSeconds(), count, errors,
                    hopsAnswered == 0 ? 0 : hopsZero / (double) hopsAnswered, hopsAnswered == 0 ? 0 : hopsTotal / (double) hopsAnswered,
                    percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 0.999));
        }

        private static long percentile(long[] sorted, double quantile) {
            return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
        }
    }
}
