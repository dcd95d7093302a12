package dht.node.replication;

import dht.core.NodeRef;
import dht.core.wire.CopyAnswer;
import dht.core.wire.Entry;
import dht.core.wire.OwnerWrites;
import dht.core.wire.Wanted;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Copies (or requests for copies) bound for one node travel together: each node has a queue, drained
 * by one call in flight that carries everything queued by then (the shape of Cassandra's and Kafka's
 * replication pipelines). An idle node gets an item at once, in a call of its own; under load one
 * call carries the items of many requests, and each request's item completes with its own answer
 * when the call that carried it did. A batch that fails fails each of its items; none is completed twice.
 *
 * <p>Queues are per node, not per ring position: a node at several positions takes all of its items
 * in one call. A batch never holds one key twice (a replica locks a batch's keys together), and is
 * bounded in items and bytes; a queue is bounded too, so that a slow or unreachable node costs
 * memory up to its bound and then refuses further items at once ({@link PeerFailure.Paused}): anti-entropy
 * brings it up to date later, and a read asks another replica.
 */
final class PeerPipeline<T, R> {

    /** One call carrying a batch to a node: one answer per item, in the batch's order, or a {@link PeerFailure}. */
    @FunctionalInterface
    interface BatchCall<T, R> {
        List<R> send(NodeRef node, List<T> items);
    }

    static final int MAX_BATCH_ITEMS = 1_000;
    static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;
    static final int MAX_QUEUED_ITEMS = 20_000;
    static final long MAX_QUEUED_BYTES = 64L * 1024 * 1024;

    private final BatchCall<T, R> call;
    private final Function<T, String> keyOf;
    private final ToLongFunction<T> bytesOf;
    private final Executor executor;
    private final Map<String, Queue<T, R>> queues = new ConcurrentHashMap<>();

    PeerPipeline(BatchCall<T, R> call, Function<T, String> keyOf, ToLongFunction<T> bytesOf, Executor executor) {
        this.call = call;
        this.keyOf = keyOf;
        this.bytesOf = bytesOf;
        this.executor = executor;
    }

    /** Copies for replicas, which take every entry they are sent. */
    static PeerPipeline<Entry, Boolean> toReplicas(PeerClient peers, Executor executor) {
        return ofEntries((replica, entries) -> {
            peers.replicate(replica, entries);
            return Collections.nCopies(entries.size(), true);
        }, executor);
    }

    /** Hints kept on a fallback node for the replica at {@code target}, which is DOWN. */
    static PeerPipeline<Entry, Boolean> hintsFor(String target, PeerClient peers, Executor executor) {
        return ofEntries((fallback, entries) -> {
            peers.storeHints(fallback, target, entries);
            return Collections.nCopies(entries.size(), true);
        }, executor);
    }

    /** Writes for the keys' owner: each answer says whether it took the entry (refused while it does not own the key) over a value. */
    static PeerPipeline<Entry, OwnerTook> toOwners(PeerClient peers, Executor executor) {
        return ofEntries((owner, entries) -> {
            OwnerWrites answer = peers.replicateToOwner(owner, entries);
            Set<String> notOwned = Set.copyOf(answer.notOwned());
            Set<String> replaced = Set.copyOf(answer.replaced());
            return entries.stream().map(entry -> notOwned.contains(entry.key()) ? OwnerTook.NOT_OWNER
                    : replaced.contains(entry.key()) ? OwnerTook.OVER_A_VALUE : OwnerTook.AS_NEW).toList();
        }, executor);
    }

    /** What the key's owner did with a write a replica coordinated. */
    enum OwnerTook { NOT_OWNER, AS_NEW, OVER_A_VALUE }

    /** Reads of replicas' copies. */
    static PeerPipeline<Wanted, CopyAnswer> readsOfReplicas(PeerClient peers, Executor executor) {
        return ofWanted(peers::readCopies, executor);
    }

    /** Reads of the owner's copies, answered only while it owns the key. */
    static PeerPipeline<Wanted, CopyAnswer> readsOfOwners(PeerClient peers, Executor executor) {
        return ofWanted(peers::readOwnerCopies, executor);
    }

    private static <R> PeerPipeline<Entry, R> ofEntries(BatchCall<Entry, R> call, Executor executor) {
        return new PeerPipeline<>(call, Entry::key, entry -> entry.value().length + entry.key().length() + 64L, executor);
    }

    private static PeerPipeline<Wanted, CopyAnswer> ofWanted(BatchCall<Wanted, CopyAnswer> call, Executor executor) {
        return new PeerPipeline<>(call, Wanted::key, wanted -> wanted.key().length() + 64L, executor);
    }

    /** Queues {@code item} for {@code peer}; completes with its answer once the call that carried it ended, or exceptionally with a {@link PeerFailure}. */
    CompletableFuture<R> send(NodeRef peer, T item) {
        Queued<T, R> queued = new Queued<>(item, bytesOf.applyAsLong(item), new CompletableFuture<>());
        boolean startDrain;
        while (true) {
            Queue<T, R> queue = queues.computeIfAbsent(peer.address(), address -> new Queue<>(peer));
            synchronized (queue) {
                if (queue.retired) {
                    continue; // it emptied and left the map after we looked it up: take the next one
                }
                if (queue.pending.size() >= MAX_QUEUED_ITEMS || queue.pendingBytes + queued.bytes() > MAX_QUEUED_BYTES) {
                    return CompletableFuture.failedFuture(PeerFailure.paused(peer, new IllegalStateException(
                            "the queue for " + peer.address() + " is full (" + queue.pending.size() + " items)")));
                }
                queue.pending.add(queued);
                queue.pendingBytes += queued.bytes();
                startDrain = !queue.draining;
                queue.draining = true;
            }
            if (startDrain) {
                executor.execute(() -> drain(queue));
            }
            return queued.done();
        }
    }

    /** How many copies wait for {@code peer}'s node, in no call yet. */
    int queued(NodeRef peer) {
        Queue<T, R> queue = queues.get(peer.address());
        if (queue == null) {
            return 0;
        }
        synchronized (queue) {
            return queue.pending.size();
        }
    }

    private void drain(Queue<T, R> queue) {
        while (true) {
            List<Queued<T, R>> batch = nextBatch(queue);
            if (batch.isEmpty()) {
                return;
            }
            try {
                List<R> answers = call.send(queue.peer, batch.stream().map(Queued::item).toList());
                if (answers.size() != batch.size()) {
                    throw new IllegalStateException(answers.size() + " answers to a batch of " + batch.size());
                }
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).done().complete(answers.get(i));
                }
            } catch (RuntimeException failure) {
                batch.forEach(queued -> queued.done().completeExceptionally(failure));
            }
        }
    }

    /** Takes the next batch off the queue; an empty one when there is none, and then the queue stops draining and leaves the map. */
    private List<Queued<T, R>> nextBatch(Queue<T, R> queue) {
        synchronized (queue) {
            List<Queued<T, R>> batch = new ArrayList<>();
            Set<String> keys = new HashSet<>();
            long bytes = 0;
            while (!queue.pending.isEmpty() && batch.size() < MAX_BATCH_ITEMS) {
                Queued<T, R> next = queue.pending.peek();
                boolean fits = batch.isEmpty() || bytes + next.bytes() <= MAX_BATCH_BYTES;
                if (!fits || !keys.add(keyOf.apply(next.item()))) {
                    break; // a second copy of a key waits for the next batch, behind the first
                }
                queue.pending.poll();
                queue.pendingBytes -= next.bytes();
                bytes += next.bytes();
                batch.add(next);
            }
            if (batch.isEmpty()) {
                queue.draining = false;
                queue.retired = true;
                queues.remove(queue.peer.address(), queue);
            }
            return batch;
        }
    }

    private static final class Queue<T, R> {
        final NodeRef peer;
        final ArrayDeque<Queued<T, R>> pending = new ArrayDeque<>();
        long pendingBytes;
        boolean draining;
        boolean retired;

        Queue(NodeRef peer) {
            this.peer = peer;
        }
    }

    private record Queued<T, R>(T item, long bytes, CompletableFuture<R> done) {
    }
}
