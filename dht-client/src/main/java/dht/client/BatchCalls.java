package dht.client;

import dht.client.ClientMetrics.Outcome;
import dht.client.Transport.Reply;
import dht.client.Transport.Unreachable;
import dht.core.Key;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.wire.KeyBatch;
import dht.core.wire.KeyBatchResults;
import dht.core.wire.KeyBatchResults.KeyResult;
import io.micrometer.core.instrument.Timer;
import tools.jackson.core.JacksonException;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Many keys in few requests ({@code POST /keys/batch}): the keys grouped by the node that owns
 * them in the client's view of the ring, so that each is served where it lives, one batch per
 * node of at most {@value KeyBatch#MAX_KEYS} keys and 4 MiB, the batches side by side. A key the
 * batch could not serve (its node unreachable or busy, its replicas not in time) goes the way of a
 * single call, with its failover and retries; any other failure of a key fails the whole call.
 */
final class BatchCalls {

    /** What the JSON of one batch may hold, a little under the nodes' 4 MiB for the object around the entries. */
    private static final int MAX_JSON_BYTES = KeyBatch.MAX_BYTES - 1024;

    private final Transport transport;
    private final KnownRing ring;
    private final ExecutorService executor;
    private final ClientMetrics metrics;

    BatchCalls(Transport transport, KnownRing ring, ExecutorService executor, ClientMetrics metrics) {
        this.transport = transport;
        this.ring = ring;
        this.executor = executor;
        this.metrics = metrics;
    }

    /**
     * Sends {@code keys} in batches and answers each key's result, in the keys' order.
     *
     * @param jsonBytes how large a key's entry can be in a batch's JSON, at most
     * @param batchOf   the batch of some of the keys
     * @param quorum    {@code ?r=} for reads, else {@code ?w=}
     * @param answered  a key's result from a node as the caller's result; null when it is no answer to give
     * @param single    the key's result by a single call, for what a batch could not serve
     */
    <T> Map<String, T> send(KeyCall.Operation operation, List<Key> keys, ToIntFunction<Key> jsonBytes,
                            Function<List<Key>, KeyBatch> batchOf, Quorum quorum, BiFunction<KeyResult, String, T> answered,
                            Function<String, T> single) {
        Ring known = ring.current();
        Map<NodeRef, List<Key>> byOwner = new LinkedHashMap<>();
        keys.forEach(key -> byOwner.computeIfAbsent(known.ownerOf(key.position()), owner -> new ArrayList<>()).add(key));
        String query = quorum.copies().stream()
                .mapToObj(copies -> "?" + (operation == KeyCall.Operation.GET ? "r" : "w") + "=" + copies).findFirst().orElse("");
        List<CompletableFuture<Map<String, T>>> sent = new ArrayList<>();
        byOwner.forEach((node, ownKeys) -> chunks(ownKeys, jsonBytes).forEach(chunk -> sent.add(CompletableFuture.supplyAsync(
                () -> sendTo(operation, node, query, chunk, batchOf.apply(chunk), answered, single), executor))));
        Map<String, T> byKey = new HashMap<>();
        for (CompletableFuture<Map<String, T>> batch : sent) {
            byKey.putAll(joined(batch));
        }
        Map<String, T> ordered = new LinkedHashMap<>();
        keys.forEach(key -> ordered.put(key.value(), byKey.get(key.value())));
        return ordered;
    }

    private <T> Map<String, T> sendTo(KeyCall.Operation operation, NodeRef node, String query, List<Key> keys, KeyBatch batch,
                                      BiFunction<KeyResult, String, T> answered, Function<String, T> single) {
        Timer.Sample sample = metrics.start();
        URI uri = ring.source().urlOf(node.address()).resolve("/keys/batch" + query);
        Reply reply;
        try {
            reply = transport.send(transport.request(uri).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(batch))).build());
        } catch (Unreachable e) {
            metrics.batchFinished(sample, operation, Outcome.UNAVAILABLE);
            return oneByOne(keys, single);
        }
        if (DhtClient.SERVE_ELSEWHERE.contains(reply.status())) {
            metrics.batchFinished(sample, operation, Outcome.UNAVAILABLE);
            return oneByOne(keys, single);
        }
        if (reply.status() != 200) {
            DhtException failure = DhtClient.failure(null, reply);
            metrics.batchFinished(sample, operation, Outcome.of(failure));
            throw failure;
        }
        metrics.batchFinished(sample, operation, Outcome.SUCCESS);
        Map<String, T> answers = new HashMap<>();
        for (KeyResult result : results(reply)) {
            T answer = answered.apply(result, reply.node());
            if (answer != null) {
                answers.put(result.key(), answer);
            } else if (DhtClient.SERVE_ELSEWHERE.contains(result.status())) {
                answers.put(result.key(), single.apply(result.key()));
            } else {
                throw DhtClient.failure(result.key(), reply.node() + " (of a batch, for '" + result.key() + "')", result.status(),
                        new Problem(nonNull(result.title()), nonNull(result.detail())), null);
            }
        }
        return answers;
    }

    private static List<KeyResult> results(Reply reply) {
        try {
            return Json.MAPPER.readValue(reply.body(), KeyBatchResults.class).results();
        } catch (JacksonException e) {
            throw new UnexpectedAnswerException(reply.node() + " answered a batch with what is no list of results", reply.status());
        }
    }

    private static <T> Map<String, T> oneByOne(List<Key> keys, Function<String, T> single) {
        Map<String, T> answers = new HashMap<>();
        keys.forEach(key -> answers.put(key.value(), single.apply(key.value())));
        return answers;
    }

    /** The keys in batches that hold at most as many keys and bytes as a node takes. */
    private static List<List<Key>> chunks(List<Key> keys, ToIntFunction<Key> jsonBytes) {
        List<List<Key>> chunks = new ArrayList<>();
        List<Key> chunk = new ArrayList<>();
        long bytes = 0;
        for (Key key : keys) {
            int size = jsonBytes.applyAsInt(key);
            if (!chunk.isEmpty() && (chunk.size() == KeyBatch.MAX_KEYS || bytes + size > MAX_JSON_BYTES)) {
                chunks.add(chunk);
                chunk = new ArrayList<>();
                bytes = 0;
            }
            chunk.add(key);
            bytes += size;
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    /** The most a key can take in JSON: each byte escaped as {@code \}{@code u00XX}, the quotes and a comma. */
    static int keyJsonBytes(Key key) {
        return 6 * key.value().getBytes(StandardCharsets.UTF_8).length + 3;
    }

    private static <T> T joined(CompletableFuture<T> batch) {
        try {
            return batch.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    private static String nonNull(String text) {
        return text == null ? "" : text;
    }
}
