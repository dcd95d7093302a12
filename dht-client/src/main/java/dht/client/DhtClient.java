package dht.client;

import dht.client.ClientMetrics.Outcome;
import dht.client.Transport.Reply;
import dht.client.Transport.Unreachable;
import dht.core.Key;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.wire.DhtHeaders;
import dht.core.wire.KeyBatch;
import dht.core.wire.KeyBatchResults;
import dht.core.wire.KeyPage;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A client of the DHT for Java applications. It learns the ring (from the registry, or from the
 * nodes) and sends each request straight to the key's owner, so that a stable ring serves it without
 * a forward between nodes ({@link ServedBy#hops()} 0). Should the owner not answer, or not serve yet,
 * the request goes on to the next replica of the key; should none of them serve, the client reads
 * the ring again and retries after a pause that grows each time. An answer naming another owner than
 * the client expected makes it read the ring again too.
 *
 * <pre>{@code
 * try (DhtClient dht = DhtClient.builder().registry(URI.create("http://localhost:50000")).build()) {
 *     Versioned written = dht.put("greeting", "hello".getBytes(UTF_8), "text/plain");
 *     dht.replace("greeting", "hello again".getBytes(UTF_8), "text/plain", written.version());
 *     dht.get("greeting").map(Value::asString).ifPresent(System.out::println);
 * }
 * }</pre>
 *
 * Thread-safe; one client per application is enough. Failures are {@link DhtException}s.
 */
public final class DhtClient implements AutoCloseable {

    /** Answers after which another node may still serve the request. */
    static final Set<Integer> SERVE_ELSEWHERE = Set.of(429, 502, 503, 504, 508);
    /**
     * The problem titles of a node that refused a request before doing anything with it (as the
     * nodes themselves read their peers' answers): a conditional write is safe to send elsewhere.
     */
    private static final Set<String> REFUSED_UNTOUCHED = Set.of("Node not in the ring", "Ring changing", "Forwarding loop");

    private final Transport transport;
    private final KnownRing ring;
    private final ClientMetrics metrics;
    private final Retry retry;
    private final int failoverNodes;
    private final ExecutorService executor;
    private final BatchCalls batches;
    /** Null unless the builder asked to follow ring events. */
    private final RingEvents ringEvents;
    private final Set<KeysWatch> watches = ConcurrentHashMap.newKeySet();
    private final AnswerListener answerListener;

    private DhtClient(Builder builder) {
        HttpClient.Builder http = HttpClient.newBuilder()
                // the nodes serve HTTP/1.1; asking for an upgrade to HTTP/2 would only cost a round trip
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(builder.connectTimeout);
        if (builder.sslContext != null) {
            http.sslContext(builder.sslContext);
        }
        this.transport = new Transport(http.build(), builder.requestTimeout, builder.bearerToken);
        this.metrics = new ClientMetrics(builder.meterRegistry != null ? builder.meterRegistry : new CompositeMeterRegistry());
        RingSource source = builder.registry != null ? new RegistryRing(builder.registry, transport) : new WalkedRing(builder.nodes, transport);
        this.ring = new KnownRing(source, builder.minRingRefreshInterval, metrics);
        this.failoverNodes = builder.failoverNodes;
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.batches = new BatchCalls(transport, ring, executor, metrics);
        this.retry = Retry.of("dht-client", RetryConfig.custom()
                .maxAttempts(builder.maxAttempts)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(builder.initialBackoff, 2.0, 0.5))
                .retryOnException(failure -> failure instanceof UnavailableException unavailable && unavailable.worthRetrying())
                .build());
        this.ringEvents = builder.followRingEvents ? new RingEvents(ring, transport, metrics) : null;
        this.answerListener = builder.answerListener;
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- reads ----

    /** The key's value, or empty when the key has none; consults the cluster's default read quorum. */
    public Optional<Value> get(String key) {
        return get(key, Quorum.clusterDefault());
    }

    /** The key's value, consulting {@code readQuorum} copies ({@code ?r=}) and answering the newest. */
    public Optional<Value> get(String key, Quorum readQuorum) {
        return call(KeyCall.get(validKey(key), readQuorum), reply -> {
            if (reply.status() == 200) {
                return Optional.of(new Value(reply.body(), reply.header("Content-Type").orElse("application/octet-stream"),
                        reply.header("ETag").map(KeyCall::unquoted).orElse(null), servedBy(reply),
                        expiresOf(reply)));
            }
            if (isAbsentKey(reply)) {
                return Optional.empty();
            }
            throw failure(key, reply);
        });
    }

    /** When a value read expires, as its node said; empty for a permanent one. */
    private static Optional<Instant> expiresOf(Reply reply) {
        try {
            return reply.header(DhtHeaders.EXPIRES).map(Instant::parse);
        } catch (DateTimeParseException e) {
            throw new UnexpectedAnswerException("an unreadable " + DhtHeaders.EXPIRES + " header: " + e.getParsedString(), reply.status());
        }
    }

    // ---- listing ----

    /** The most keys one page may hold, as the nodes allow. */
    public static final int MAX_PAGE = 1000;

    /**
     * One page of the live keys that start with {@code prefix} ({@code GET /keys}), in ring order:
     * from the start with a null {@code cursor}, else after the page that answered it. Any node
     * serves a listing; should one not answer, or not serve yet, the next one is asked. A page may
     * hold fewer keys than {@code limit}, even none, and still have a cursor: each examines a bounded
     * number of keys. Its cursor is null once the listing reached the end of the ring.
     *
     * @param limit 1 to {@value #MAX_PAGE}
     */
    public KeyPage list(String prefix, int limit, String cursor) {
        Objects.requireNonNull(prefix, "prefix");
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidRequestException("A page holds 1 to " + MAX_PAGE + " keys, not " + limit + ".");
        }
        StringBuilder query = new StringBuilder("keys?prefix=").append(URLEncoder.encode(prefix, StandardCharsets.UTF_8))
                .append("&limit=").append(limit);
        if (cursor != null) {
            query.append("&cursor=").append(URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        }
        Reply reply = retry.executeSupplier(() -> sendToAnyNode(query.toString()));
        if (reply.status() != 200) {
            throw failure(prefix, reply);
        }
        try {
            return Json.MAPPER.readValue(reply.body(), KeyPage.class);
        } catch (JacksonException e) {
            throw new UnexpectedAnswerException(reply.node() + " answered a listing that is not one: " + e.getOriginalMessage(), reply.status());
        }
    }

    /** Every live key that starts with {@code prefix}, in ring order, read a page at a time as the stream is consumed. */
    public Stream<String> keys(String prefix) {
        Iterator<String> keys = new Iterator<>() {
            private Iterator<String> page = Collections.emptyIterator();
            private String cursor;
            private boolean ended;

            @Override
            public boolean hasNext() {
                while (!page.hasNext() && !ended) {
                    KeyPage next = list(prefix, MAX_PAGE, cursor);
                    page = next.keys().iterator();
                    cursor = next.cursor();
                    ended = cursor == null;
                }
                return page.hasNext();
            }

            @Override
            public String next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(keys, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** A request any node serves: each known node in turn, from one drawn at random, until one does. */
    private Reply sendToAnyNode(String pathAndQuery) {
        List<NodeRef> nodes = ring.current().nodes();
        List<String> failures = new ArrayList<>();
        int first = ThreadLocalRandom.current().nextInt(nodes.size());
        for (int i = 0; i < Math.min(nodes.size(), failoverNodes); i++) {
            NodeRef node = nodes.get((first + i) % nodes.size());
            try {
                Reply reply = transport.send(transport.request(ring.source().urlOf(node.address()).resolve(pathAndQuery)).GET().build());
                if (!SERVE_ELSEWHERE.contains(reply.status())) {
                    return reply;
                }
                failures.add(node.address() + " answered " + Problem.of(reply).describe(reply.status()));
            } catch (Unreachable e) {
                failures.add(e.getMessage());
            }
        }
        ring.refresh();
        throw new UnavailableException("no node served the listing (" + String.join("; ", failures) + ")", false, true, null);
    }

    // ---- writes ----

    /** Stores {@code value} under {@code key} with its content type, over any value the key had. */
    public Versioned put(String key, byte[] value, String contentType) {
        return put(key, value, contentType, Quorum.clusterDefault());
    }

    /** Stores {@code value} once {@code writeQuorum} copies confirm it ({@code ?w=}). */
    public Versioned put(String key, byte[] value, String contentType, Quorum writeQuorum) {
        return put(key, value, contentType, WriteOptions.defaults().withQuorum(writeQuorum));
    }

    /**
     * Stores {@code value} as {@code options} say: confirmed by their quorum ({@code ?w=}), living
     * their time to live ({@code ?ttl=}; permanent without one, also over a value that would have expired).
     */
    public Versioned put(String key, byte[] value, String contentType, WriteOptions options) {
        return call(KeyCall.put(validKey(key), requireValue(value), contentType, options), reply -> written(key, reply));
    }

    /**
     * Stores {@code value} only if the key has no value ({@code If-None-Match: *}).
     *
     * @throws ConditionFailedException when the key has a value; nothing was written
     */
    public Versioned putIfAbsent(String key, byte[] value, String contentType) {
        return putIfAbsent(key, value, contentType, Quorum.clusterDefault());
    }

    public Versioned putIfAbsent(String key, byte[] value, String contentType, Quorum writeQuorum) {
        return call(KeyCall.putIfAbsent(validKey(key), requireValue(value), contentType, writeQuorum), reply -> written(key, reply));
    }

    /**
     * Stores {@code value} only over exactly {@code version} of the key ({@code If-Match}): a
     * compare-and-set, which the key's owner serializes.
     *
     * @param version the version a read ({@link Value#version()}) or a write ({@link Versioned#version()}) answered
     * @throws ConditionFailedException when the key has another version, or none; nothing was written
     */
    public Versioned replace(String key, byte[] value, String contentType, String version) {
        return replace(key, value, contentType, version, Quorum.clusterDefault());
    }

    public Versioned replace(String key, byte[] value, String contentType, String version, Quorum writeQuorum) {
        return call(KeyCall.replace(validKey(key), requireValue(value), contentType, version, writeQuorum), reply -> written(key, reply));
    }

    /** Deletes the key's value; false when it had none. */
    public boolean delete(String key) {
        return delete(key, Quorum.clusterDefault());
    }

    public boolean delete(String key, Quorum writeQuorum) {
        return call(KeyCall.delete(validKey(key), writeQuorum), reply -> {
            if (reply.status() == 200 || reply.status() == 204) {
                return true;
            }
            if (isAbsentKey(reply)) {
                return false;
            }
            throw failure(key, reply);
        });
    }

    // ---- many keys at once: a batch (POST /keys/batch) per node that owns some of them ----

    /**
     * The values of {@code keys}, in their order, each empty when the key has none; consults the
     * cluster's default read quorum. The keys go in batches, one to each node that owns some of
     * them; a key a batch could not serve is read on its own, with failover and retries.
     *
     * @throws DhtException as {@link #get(String)} would for a key no node serves even on its own
     */
    public Map<String, Optional<Value>> getAll(Collection<String> keys) {
        return getAll(keys, Quorum.clusterDefault());
    }

    /** The values of {@code keys}, each read consulting {@code readQuorum} copies ({@code ?r=}). */
    public Map<String, Optional<Value>> getAll(Collection<String> keys, Quorum readQuorum) {
        List<Key> valid = validKeys(keys);
        return batches.send(KeyCall.Operation.GET, valid, BatchCalls::keyJsonBytes,
                chunk -> KeyBatch.ofGet(chunk.stream().map(Key::value).toList()), readQuorum,
                (result, node) -> switch (result.status()) {
                    case 200 -> Optional.of(new Value(Base64.getDecoder().decode(result.value()),
                            Objects.requireNonNullElse(result.contentType(), "application/octet-stream"),
                            result.version() == null ? null : result.version().toString(), batchServed(node, result)));
                    case 404 -> Optional.empty();
                    default -> null;
                },
                key -> get(key, readQuorum));
    }

    /**
     * Stores each of {@code values} under its key with {@code contentType}, over any value the key
     * had, and answers each key's new version, in the map's order. The keys go in batches, one to
     * each node that owns some of them; a key a batch could not store is written on its own, with
     * failover and retries. Should one key fail for good, the call fails; the others' writes stand.
     */
    public Map<String, Versioned> putAll(Map<String, byte[]> values, String contentType) {
        return putAll(values, contentType, Quorum.clusterDefault());
    }

    /** As {@link #putAll(Map, String)}, each write confirmed by {@code writeQuorum} copies ({@code ?w=}). */
    public Map<String, Versioned> putAll(Map<String, byte[]> values, String contentType, Quorum writeQuorum) {
        List<Key> valid = validKeys(values.keySet());
        values.values().forEach(DhtClient::requireValue);
        return batches.send(KeyCall.Operation.PUT, valid,
                key -> BatchCalls.keyJsonBytes(key) + 4 * (values.get(key.value()).length / 3 + 1) + 64
                        + (contentType == null ? 0 : 6 * contentType.length()),
                chunk -> KeyBatch.ofPut(chunk.stream().map(key -> new KeyBatch.KeyPut(key.value(),
                        Base64.getEncoder().encodeToString(values.get(key.value())), contentType)).toList()), writeQuorum,
                (result, node) -> result.status() == 200 || result.status() == 201
                        ? new Versioned(result.version() == null ? null : result.version().toString(), result.status() == 201,
                        batchServed(node, result))
                        : null,
                key -> put(key, values.get(key), contentType, writeQuorum));
    }

    /** Deletes the values of {@code keys}; each key's answer is false when it had none. */
    public Map<String, Boolean> deleteAll(Collection<String> keys) {
        return deleteAll(keys, Quorum.clusterDefault());
    }

    public Map<String, Boolean> deleteAll(Collection<String> keys, Quorum writeQuorum) {
        return batches.send(KeyCall.Operation.DELETE, validKeys(keys), BatchCalls::keyJsonBytes,
                chunk -> KeyBatch.ofDelete(chunk.stream().map(Key::value).toList()), writeQuorum,
                (result, node) -> switch (result.status()) {
                    case 204 -> true;
                    case 404 -> false;
                    default -> null;
                },
                key -> delete(key, writeQuorum));
    }

    /** Each key once, checked as a single call checks it. */
    private static List<Key> validKeys(Collection<String> keys) {
        return new LinkedHashSet<>(keys).stream().map(DhtClient::validKey).toList();
    }

    /** Who served a key of a batch: the node the batch went to and the owner it named (its forwards untold). */
    private static ServedBy batchServed(String node, KeyBatchResults.KeyResult result) {
        return new ServedBy(node, result.owner() == null ? "" : result.owner().toString(), -1);
    }

    // ---- the same, asynchronously: each call runs on a virtual thread of its own ----

    public CompletableFuture<Optional<Value>> getAsync(String key) {
        return async(() -> get(key));
    }

    public CompletableFuture<Optional<Value>> getAsync(String key, Quorum readQuorum) {
        return async(() -> get(key, readQuorum));
    }

    public CompletableFuture<Versioned> putAsync(String key, byte[] value, String contentType) {
        return async(() -> put(key, value, contentType));
    }

    public CompletableFuture<Versioned> putAsync(String key, byte[] value, String contentType, Quorum writeQuorum) {
        return async(() -> put(key, value, contentType, writeQuorum));
    }

    public CompletableFuture<Versioned> putAsync(String key, byte[] value, String contentType, WriteOptions options) {
        return async(() -> put(key, value, contentType, options));
    }

    public CompletableFuture<Versioned> putIfAbsentAsync(String key, byte[] value, String contentType) {
        return async(() -> putIfAbsent(key, value, contentType));
    }

    public CompletableFuture<Versioned> replaceAsync(String key, byte[] value, String contentType, String version) {
        return async(() -> replace(key, value, contentType, version));
    }

    public CompletableFuture<Boolean> deleteAsync(String key) {
        return async(() -> delete(key));
    }

    public CompletableFuture<Boolean> deleteAsync(String key, Quorum writeQuorum) {
        return async(() -> delete(key, writeQuorum));
    }

    /**
     * Watches the keys under {@code prefix} ("" for every key): every put and delete made through any
     * node, each key's in the order of their versions, passed to {@code listener} on the watch's own
     * thread until the watch is closed. It survives its node going away, resuming on another.
     */
    public KeysWatch watchKeys(String prefix, KeyChangeListener listener) {
        KeysWatch watch = new KeysWatch(Objects.requireNonNull(prefix, "prefix"), Objects.requireNonNull(listener, "listener"),
                ring, transport, watches::remove);
        watches.add(watch);
        return watch;
    }

    /** The nodes of the ring as the client knows it now, learning it first if it has not yet. */
    public List<NodeRef> knownNodes() {
        return ring.current().nodes();
    }

    /** Stops the client's HTTP client and the threads of calls still running. */
    @Override
    public void close() {
        if (ringEvents != null) {
            ringEvents.close();
        }
        List.copyOf(watches).forEach(KeysWatch::close);
        executor.shutdownNow();
        transport.close();
    }

    // ---- one call ----

    private <T> CompletableFuture<T> async(Supplier<T> call) {
        return CompletableFuture.supplyAsync(call, executor);
    }

    /** Sends the call to the key's replicas, retrying as configured, and makes the answer a result. */
    private <T> T call(KeyCall call, Function<Reply, T> result) {
        Timer.Sample sample = metrics.start();
        Outcome outcome = Outcome.UNEXPECTED;
        try {
            Reply reply = retry.executeSupplier(() -> sendToReplicas(call));
            answerListener.answered(servedBy(reply), reply.status());
            T answer = result.apply(reply);
            outcome = isAbsentKey(reply) ? Outcome.NOT_FOUND : Outcome.SUCCESS;
            return answer;
        } catch (DhtException e) {
            outcome = Outcome.of(e);
            throw e;
        } finally {
            metrics.finished(sample, call.operation(), outcome);
        }
    }

    /**
     * One attempt: the key's owner first, then the replicas after it in the order that they take
     * over its range, until one serves the request. A conditional write goes on to the next node
     * only if the one before surely did not apply it, lest the next one judge the condition
     * against the write's own result.
     */
    private Reply sendToReplicas(KeyCall call) {
        Ring known = ring.current();
        List<NodeRef> candidates = known.replicasOf(call.key().position(), failoverNodes);
        String expectedOwner = candidates.getFirst().id().toString();
        List<String> failures = new ArrayList<>();
        boolean mayHaveBeenApplied = false;
        for (int i = 0; i < candidates.size(); i++) {
            if (i > 0) {
                metrics.failedOver(call.operation());
            }
            NodeRef node = candidates.get(i);
            Reply reply;
            try {
                reply = transport.send(call.request(transport, ring.source().urlOf(node.address())));
            } catch (Unreachable e) {
                failures.add(e.getMessage());
                boolean arrived = call.writes() && e.requestMayHaveArrived();
                mayHaveBeenApplied |= arrived;
                if (arrived && call.conditional()) {
                    throw unavailable(call, failures, true, false);
                }
                continue;
            }
            if (SERVE_ELSEWHERE.contains(reply.status())) {
                Problem problem = Problem.of(reply);
                failures.add(node.address() + " answered " + problem.describe(reply.status()));
                boolean untouched = reply.status() == 429 || REFUSED_UNTOUCHED.contains(problem.title());
                mayHaveBeenApplied |= call.writes() && !untouched;
                if (call.conditional() && !untouched) {
                    throw unavailable(call, failures, true, false);
                }
                continue;
            }
            checkOwner(reply, expectedOwner);
            if (i > 0) {
                // the owner failed: whether it crashed or left, the ring may have changed
                ring.refreshSoon(executor);
            }
            return reply;
        }
        // the next attempt, after its pause, starts from a fresh view of the ring
        ring.refresh();
        throw unavailable(call, failures, mayHaveBeenApplied, true);
    }

    /** An answer naming another owner than the client's view of the ring: the view is stale. */
    private void checkOwner(Reply reply, String expectedOwner) {
        metrics.answered(reply.intHeader(DhtHeaders.HOPS).orElse(-1));
        Optional<String> owner = reply.header(DhtHeaders.OWNER);
        if (owner.isPresent() && !owner.get().equalsIgnoreCase(expectedOwner)) {
            metrics.ownerMismatch();
            ring.refreshSoon(executor);
        }
    }

    private static UnavailableException unavailable(KeyCall call, List<String> failures, boolean mayHaveBeenApplied, boolean worthRetrying) {
        return new UnavailableException("no node served " + call.operation() + " '" + call.key().value() + "' ("
                + String.join("; ", failures) + ")" + (mayHaveBeenApplied ? "; it may or may not have been applied" : ""),
                mayHaveBeenApplied, worthRetrying, null);
    }

    // ---- answers ----

    private static Versioned written(String key, Reply reply) {
        if (reply.status() != 200 && reply.status() != 201) {
            throw failure(key, reply);
        }
        String version = reply.header("ETag").map(KeyCall::unquoted).orElseGet(() -> versionInBody(reply));
        return new Versioned(version, reply.status() == 201, servedBy(reply));
    }

    /** The {@code version} of a write's JSON answer ({@code {key, position, owner, version}}). */
    private static String versionInBody(Reply reply) {
        JsonNode body = Json.parseOrNull(reply.body());
        return body == null ? null : body.path("version").asString(null);
    }

    /** A node's 404 about the key names its owner; one without is no answer of the DHT (a wrong URL, a proxy). */
    private static boolean isAbsentKey(Reply reply) {
        return reply.status() == 404 && reply.header(DhtHeaders.OWNER).isPresent();
    }

    private static ServedBy servedBy(Reply reply) {
        return new ServedBy(reply.node(), reply.header(DhtHeaders.OWNER).orElse(""), reply.intHeader(DhtHeaders.HOPS).orElse(-1));
    }

    /** What a failure answer means for the caller, as a domain exception. */
    static DhtException failure(String key, Reply reply) {
        return failure(key, reply.node(), reply.status(), Problem.of(reply), reply.header("ETag").map(KeyCall::unquoted).orElse(null));
    }

    /** What a node's failure {@code status} for {@code key} means for the caller, also one key's of a batch. */
    static DhtException failure(String key, String node, int status, Problem problem, String currentVersion) {
        String described = node + " answered " + problem.describe(status);
        return switch (status) {
            case 400, 413, 414, 415, 431 -> new InvalidRequestException(described);
            case 401, 403 -> new AccessDeniedException(described);
            case 412 -> new ConditionFailedException(key, currentVersion, problem.detail().isEmpty() ? null : problem.detail());
            default -> new UnexpectedAnswerException(described, status);
        };
    }

    private static Key validKey(String key) {
        Objects.requireNonNull(key, "key");
        try {
            return Key.of(key);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage(), e);
        }
    }

    private static byte[] requireValue(byte[] value) {
        return Objects.requireNonNull(value, "value");
    }

    /**
     * How a {@link DhtClient} finds the cluster and how long it waits. One of {@link #registry} or
     * {@link #nodes} is required; everything else has a default.
     */
    public static final class Builder {

        private URI registry;
        private List<URI> nodes = List.of();
        private Duration connectTimeout = Duration.ofSeconds(2);
        // a little over the nodes' own dht.request-timeout (5 s), so that a node's own 504 arrives before the client gives up
        private Duration requestTimeout = Duration.ofSeconds(6);
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(100);
        // the cluster's default replication factor: past the replicas, a node serves a key only by forwarding
        private int failoverNodes = 3;
        private Duration minRingRefreshInterval = Duration.ofMillis(200);
        private MeterRegistry meterRegistry;
        private String bearerToken;
        private SSLContext sslContext;
        private boolean followRingEvents;
        private AnswerListener answerListener = (servedBy, status) -> {
        };

        private Builder() {
        }

        /** Learns the ring from the registry at {@code url} ({@code GET /nodes}), as the nodes do. */
        public Builder registry(URI url) {
            this.registry = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * Learns the ring from these nodes and the neighbors they name, without a registry; the
         * scheme of the first is the cluster's.
         */
        public Builder nodes(URI... urls) {
            this.nodes = List.copyOf(Arrays.asList(urls));
            return this;
        }

        /** How long a connection to a node may take before the client tries the next; default 2 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long the client waits for one node's answer; default 6 s, just over the nodes' own request timeout. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * Rounds over the key's replicas before a call fails with {@link UnavailableException}, and
         * the pause before the second (doubling each time, with jitter); default 3 rounds, 100 ms.
         */
        public Builder retries(int maxAttempts, Duration initialBackoff) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("at least one attempt, got " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            this.initialBackoff = positive(initialBackoff, "initialBackoff");
            return this;
        }

        /** How many nodes of a key's replicas one round tries, the owner first; default 3, the cluster's default replication factor. */
        public Builder failoverNodes(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("at least the owner, got " + count);
            }
            this.failoverNodes = count;
            return this;
        }

        /** The least time between two reads of the ring; default 200 ms. */
        public Builder minRingRefreshInterval(Duration interval) {
            this.minRingRefreshInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        /** Where the client's meters go ({@code dht.client.*}); none by default. */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** Sent as {@code Authorization: Bearer} on every call: an API key for {@code /keys}. */
        public Builder bearerToken(String token) {
            this.bearerToken = Objects.requireNonNull(token, "token");
            return this;
        }

        /** The trust store (and client certificate) for a cluster served over HTTPS. */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "context");
            return this;
        }

        /**
         * Follows one node's {@code /ring/events} and reads the ring again as soon as a node joins,
         * leaves or is declared dead, rather than at the first answer that shows the change; holds
         * one of the node's event streams ({@code dht.events.max-subscribers}) open.
         */
        public Builder followRingEvents() {
            this.followRingEvents = true;
            return this;
        }

        /** Told of the answer each call on one key ends with: who served it and its status; none by default. */
        public Builder answerListener(AnswerListener listener) {
            this.answerListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public DhtClient build() {
            if ((registry == null) == nodes.isEmpty()) {
                throw new IllegalStateException("name either the registry or one node at least, not both");
            }
            return new DhtClient(this);
        }

        private static Duration positive(Duration duration, String what) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + duration);
            }
            return duration;
        }
    }
}
