package dht.node.replication;

import dht.core.NodeRef;
import dht.core.wire.Entry;
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

/**
 * Copies bound for one node travel together: each node has a queue, drained by one call in flight
 * that carries everything queued by then (the shape of Cassandra's and Kafka's replication
 * pipelines). An idle node gets a copy at once, in a call of its own; under load one call carries
 * the copies of many requests, and each request's copy completes with its own answer when the call
 * that carried it did. A batch that fails fails each of its copies; none is completed twice.
 *
 * <p>Queues are per node, not per ring position: a node at several positions takes all of its copies
 * in one call. A batch never holds one key twice (the replica locks a batch's keys together), and is
 * bounded in entries and bytes; a queue is bounded too, so that a slow or unreachable replica costs
 * memory up to its bound and then refuses further copies at once ({@link PeerFailure.Paused}): anti-entropy
 * brings it up to date later.
 */
final class PeerPipeline<R> {

    /** One call carrying a batch to a node: one answer per entry, in the batch's order, or a {@link PeerFailure}. */
    @FunctionalInterface
    interface BatchCall<R> {
        List<R> send(NodeRef node, List<Entry> entries);
    }

    static final int MAX_BATCH_ENTRIES = 1_000;
    static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;
    static final int MAX_QUEUED_ENTRIES = 20_000;
    static final long MAX_QUEUED_BYTES = 64L * 1024 * 1024;

    private final BatchCall<R> call;
    private final Executor executor;
    private final Map<String, Queue<R>> queues = new ConcurrentHashMap<>();

    PeerPipeline(BatchCall<R> call, Executor executor) {
        this.call = call;
        this.executor = executor;
    }

    /** Copies for replicas, which take every entry they are sent. */
    static PeerPipeline<Boolean> toReplicas(PeerClient peers, Executor executor) {
        return new PeerPipeline<>((replica, entries) -> {
            peers.replicate(replica, entries);
            return Collections.nCopies(entries.size(), true);
        }, executor);
    }

    /** Writes for the keys' owner: each answer says whether it took the entry, refused while it does not own the key. */
    static PeerPipeline<Boolean> toOwners(PeerClient peers, Executor executor) {
        return new PeerPipeline<>((owner, entries) -> {
            Set<String> notOwned = peers.replicateToOwner(owner, entries);
            return entries.stream().map(entry -> !notOwned.contains(entry.key())).toList();
        }, executor);
    }

    /** Queues a copy of {@code entry} for {@code peer}; completes with its answer once the call that carried it ended, or exceptionally with a {@link PeerFailure}. */
    CompletableFuture<R> send(NodeRef peer, Entry entry) {
        Queued<R> copy = new Queued<>(entry, new CompletableFuture<>());
        boolean startDrain;
        while (true) {
            Queue<R> queue = queues.computeIfAbsent(peer.address(), address -> new Queue<>(peer));
            synchronized (queue) {
                if (queue.retired) {
                    continue; // it emptied and left the map after we looked it up: take the next one
                }
                if (queue.pending.size() >= MAX_QUEUED_ENTRIES || queue.pendingBytes + copy.bytes() > MAX_QUEUED_BYTES) {
                    return CompletableFuture.failedFuture(PeerFailure.paused(peer, new IllegalStateException(
                            "the queue of copies for " + peer.address() + " is full (" + queue.pending.size() + " entries)")));
                }
                queue.pending.add(copy);
                queue.pendingBytes += copy.bytes();
                startDrain = !queue.draining;
                queue.draining = true;
            }
            if (startDrain) {
                executor.execute(() -> drain(queue));
            }
            return copy.done();
        }
    }

    /** How many copies wait for {@code peer}'s node, in no call yet. */
    int queued(NodeRef peer) {
        Queue<R> queue = queues.get(peer.address());
        if (queue == null) {
            return 0;
        }
        synchronized (queue) {
            return queue.pending.size();
        }
    }

    private void drain(Queue<R> queue) {
        while (true) {
            List<Queued<R>> batch = nextBatch(queue);
            if (batch.isEmpty()) {
                return;
            }
            try {
                List<R> answers = call.send(queue.peer, batch.stream().map(Queued::entry).toList());
                if (answers.size() != batch.size()) {
                    throw new IllegalStateException(answers.size() + " answers to a batch of " + batch.size());
                }
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).done().complete(answers.get(i));
                }
            } catch (RuntimeException failure) {
                batch.forEach(copy -> copy.done().completeExceptionally(failure));
            }
        }
    }

    /** Takes the next batch off the queue; an empty one when there is none, and then the queue stops draining and leaves the map. */
    private List<Queued<R>> nextBatch(Queue<R> queue) {
        synchronized (queue) {
            List<Queued<R>> batch = new ArrayList<>();
            Set<String> keys = new HashSet<>();
            long bytes = 0;
            while (!queue.pending.isEmpty() && batch.size() < MAX_BATCH_ENTRIES) {
                Queued<R> next = queue.pending.peek();
                boolean fits = batch.isEmpty() || bytes + next.bytes() <= MAX_BATCH_BYTES;
                if (!fits || !keys.add(next.entry().key())) {
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

    private static final class Queue<R> {
        final NodeRef peer;
        final ArrayDeque<Queued<R>> pending = new ArrayDeque<>();
        long pendingBytes;
        boolean draining;
        boolean retired;

        Queue(NodeRef peer) {
            this.peer = peer;
        }
    }

    private record Queued<R>(Entry entry, CompletableFuture<R> done) {
        long bytes() {
            return entry.value().length + entry.key().length() + 64L;
        }
    }
}
