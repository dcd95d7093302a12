package dht.node.keys;

import dht.core.NodeRef;
import dht.node.config.NodeProperties;
import dht.node.membership.LocalNode;
import dht.node.peer.KeyOutcome;
import dht.node.peer.KeyRequest;
import dht.node.peer.PeerFailure;
import dht.node.telemetry.DhtMetrics;
import dht.node.time.NodeScheduler;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.IntStream;

/**
 * The keys of a batch ({@code POST /keys/batch}), each served as its own request would be
 * ({@link KeyService}: by a replica, forwarded when this node holds none, with the batch's quorums),
 * each ending in its own outcome or failure: one key's failure is none of the others'. The keys run
 * in parallel on virtual threads, at most {@code dht.batch.parallelism} of one batch and
 * {@code dht.batch.max-concurrent-keys} of all batches at once, so that one large batch can neither
 * flood the other nodes nor keep other batches waiting behind all its keys. Every key is served by
 * the batch's deadline; one not answered by then ends timed out (a write then may or may not have
 * been applied, as a single write's {@code 504}).
 */
@Service
public class KeyBatchService {

    private final KeyService keys;
    private final LocalNode node;
    private final DhtMetrics metrics;
    private final NodeScheduler scheduler;
    private final Duration requestTimeout;
    private final int parallelism;
    private final Semaphore keysInFlight;

    public KeyBatchService(KeyService keys, LocalNode node, DhtMetrics metrics, NodeScheduler scheduler,
                           NodeProperties properties, BatchProperties batch) {
        this.keys = keys;
        this.node = node;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.requestTimeout = properties.requestTimeout();
        this.parallelism = batch.parallelism();
        this.keysInFlight = new Semaphore(batch.maxConcurrentKeys(), true);
    }

    /**
     * Serves every item that is a request ({@code method}'s, all by {@code deadline}) and answers
     * each item's result in the items' order, a refused item's with its refusal.
     */
    public List<Result> serve(HttpMethod method, List<Item> items, Instant deadline) {
        metrics.batch(method.name().toLowerCase(Locale.ROOT), items.size());
        AtomicReferenceArray<Result> results = new AtomicReferenceArray<>(items.size());
        List<Integer> toServe = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            if (item.refusal() != null) {
                results.set(i, Result.failed(item.key(), item.refusal()));
            } else {
                toServe.add(i);
            }
        }
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            while (scheduler.now().isBefore(deadline)) {
                int taken = next.getAndIncrement();
                if (taken >= toServe.size()) {
                    return;
                }
                int index = toServe.get(taken);
                results.set(index, serveOne(items.get(index).request(), deadline));
            }
        };
        CompletableFuture<?>[] workers = IntStream.range(0, Math.min(parallelism, toServe.size()))
                .mapToObj(i -> CompletableFuture.runAsync(worker, scheduler.fanOut()))
                .toArray(CompletableFuture[]::new);
        awaitUntil(CompletableFuture.allOf(workers), deadline);
        return IntStream.range(0, items.size())
                .mapToObj(i -> Optional.ofNullable(results.get(i)).orElseGet(() -> Result.failed(items.get(i).key(), timedOut())))
                .toList();
    }

    private Result serveOne(KeyRequest request, Instant deadline) {
        String key = request.key().value();
        try {
            if (!keysInFlight.tryAcquire(millisUntil(deadline), TimeUnit.MILLISECONDS)) {
                return Result.failed(key, timedOut());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.failed(key, timedOut());
        }
        try {
            KeyOutcome outcome;
            if (HttpMethod.GET.equals(request.method())) {
                outcome = keys.get(request);
            } else if (HttpMethod.PUT.equals(request.method())) {
                outcome = keys.put(request);
            } else {
                outcome = keys.delete(request);
            }
            return Result.answered(key, outcome);
        } catch (RuntimeException failure) {
            return Result.failed(key, failure);
        } finally {
            keysInFlight.release();
        }
    }

    /** Waits for the workers until the deadline at most; what they have not served by then is left to time out. */
    private void awaitUntil(CompletableFuture<?> workers, Instant deadline) {
        try {
            workers.get(millisUntil(deadline), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // every key not served by now ends timed out
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private long millisUntil(Instant deadline) {
        return Math.max(0, Duration.between(scheduler.now(), deadline).toMillis());
    }

    /** A key not answered by the deadline: a peer on its way took too long, as a single request's {@code 504} says. */
    private PeerFailure timedOut() {
        NodeRef self = node.self().orElse(null);
        return PeerFailure.timedOut(self, requestTimeout, null);
    }

    /** One key of a batch: its request, or why it was refused before it became one (a bad key or value). */
    public record Item(String key, KeyRequest request, RuntimeException refusal) {

        public static Item of(KeyRequest request) {
            return new Item(request.key().value(), request, null);
        }

        public static Item refused(String key, RuntimeException refusal) {
            return new Item(key, null, refusal);
        }
    }

    /** What one key ended in: its outcome, or the failure its own request would have ended in. */
    public record Result(String key, KeyOutcome outcome, RuntimeException failure) {

        static Result answered(String key, KeyOutcome outcome) {
            return new Result(key, outcome, null);
        }

        static Result failed(String key, RuntimeException failure) {
            return new Result(key, null, failure);
        }
    }
}
