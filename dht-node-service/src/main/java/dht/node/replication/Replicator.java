package dht.node.replication;

import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.wire.CopyAnswer;
import dht.core.wire.Entry;
import dht.core.wire.Wanted;
import dht.node.config.NodeProperties;
import dht.node.hints.HintedHandoff;
import dht.node.membership.LocalNode;
import dht.node.membership.RingView;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;
import dht.node.storage.Copies;
import dht.node.time.NodeScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Copies an owner's writes to the nodes before it on the ring, which take over its range when it
 * fails, and says how many copies were confirmed in time.
 */
@Component
public class Replicator {

    private static final Logger log = LoggerFactory.getLogger(Replicator.class);

    /** How long a read waits for the replicas it asked before it asks one more. */
    static final Duration HEDGE = Duration.ofMillis(50);

    private final LocalNode node;
    private final RingView ringView;
    private final PeerClient peers;
    private final NodeProperties properties;
    private final Copies copies;
    private final NodeScheduler scheduler;
    private final Executor executor;
    private final PeerPipeline<Entry, Boolean> toReplicas;
    private final PeerPipeline<Entry, PeerPipeline.OwnerTook> toOwners;
    private final PeerPipeline<Wanted, CopyAnswer> readsOfReplicas;
    private final PeerPipeline<Wanted, CopyAnswer> readsOfOwners;
    /** Hints for each DOWN replica, by its address, bound for the fallback nodes that keep them. */
    private final Map<String, PeerPipeline<Entry, Boolean>> hintsOnFallbacks = new ConcurrentHashMap<>();
    private final HintedHandoff handoff;

    public Replicator(LocalNode node, RingView ringView, PeerClient peers, NodeProperties properties, Copies copies,
                      NodeScheduler scheduler, HintedHandoff handoff) {
        this.handoff = handoff;
        this.executor = scheduler.fanOut();
        this.toReplicas = PeerPipeline.toReplicas(peers, executor);
        this.toOwners = PeerPipeline.toOwners(peers, executor);
        this.readsOfReplicas = PeerPipeline.readsOfReplicas(peers, executor);
        this.readsOfOwners = PeerPipeline.readsOfOwners(peers, executor);
        this.scheduler = scheduler;
        this.node = node;
        this.copies = copies;
        this.ringView = ringView;
        this.peers = peers;
        this.properties = properties;
    }

    /**
     * The other holders of the keys at {@code position}, which this node owns: the nodes at the
     * {@code replication-factor - 1} positions of other nodes before the position owning it. A key
     * of a DOWN member's range, which this node serves while it is away, keeps that member's
     * holders, the member included: it is still one of them, and nothing is copied to a further node
     * for good meanwhile (its copies go to a fallback as hints, see {@link #replicate}, and it
     * catches up when it is back).
     */
    public List<NodeRef> replicasOf(RingPosition position) {
        Neighborhood self = self();
        return holdersFrom(position, self, properties.replicationFactor()).stream()
                .filter(replica -> !replica.sameNodeAs(self.node()))
                .toList();
    }

    /**
     * Where the copies of DOWN replicas of the key at {@code position} go meanwhile, as hints: the
     * first nodes after its holders, in the same walk of the ring, that are neither DOWN nor this
     * node; one for each of {@code count} DOWN replicas, or fewer if the ring has no more.
     */
    List<NodeRef> fallbacksFor(RingPosition position, int count) {
        Neighborhood self = self();
        List<NodeRef> walk = holdersFrom(position, self, Integer.MAX_VALUE);
        return walk.stream()
                .skip(properties.replicationFactor())
                .filter(node -> !ringView.isDown(node) && !node.sameNodeAs(self.node()))
                .limit(count)
                .toList();
    }

    /** The first {@code count} distinct nodes that hold the key at {@code position}, this node included, in the order they take it over. */
    private List<NodeRef> holdersFrom(RingPosition position, Neighborhood self, int count) {
        RingPosition owning = self.viewOwning(position).map(view -> view.self().id()).orElse(position);
        Ring placement = ringView.placementWith(self);
        RingPosition placedAt = placement.isEmpty() ? owning : placement.memberOwning(position).id();
        boolean ofDownMember = !placedAt.equals(owning) && ringView.down().nodeAt(placedAt).isPresent()
                && Long.compareUnsigned(owning.distanceTo(placedAt), owning.distanceTo(position)) <= 0;
        return placement.replicasOf(ofDownMember ? placedAt : owning, Math.min(count, Math.max(1, placement.size())));
    }

    private Neighborhood self() {
        return node.neighborhood().orElseThrow(() -> new IllegalStateException("the node has no ID yet"));
    }

    /**
     * The key's owner at {@code position}, when this node holds one of its other replicas (by the ring
     * view, this node at its own positions): then it may coordinate a request for the key itself. A
     * view that names this node the owner, where its own neighbors did not, is stale: empty then.
     */
    public Optional<NodeRef> ownerIfReplicaHere(RingPosition position) {
        Neighborhood self = node.neighborhood().orElse(null);
        if (self == null) {
            return Optional.empty();
        }
        Ring ring = ringView.placementWith(self);
        if (ring.isEmpty()) {
            return Optional.empty();
        }
        List<NodeRef> holders = ring.replicasOf(position, properties.replicationFactor());
        // while the owner is DOWN, the first holder that is not serves its keys
        NodeRef owner = holders.stream().filter(holder -> !ringView.isDown(holder)).findFirst().orElse(holders.getFirst());
        boolean replicaHere = !owner.sameNodeAs(self.node()) && holders.stream().anyMatch(holder -> holder.sameNodeAs(self.node()));
        return replicaHere ? Optional.of(owner) : Optional.empty();
    }

    /** How many copies a write needs, this node's included, given the {@code replicas} that can hold one. */
    public int quorum(List<NodeRef> replicas) {
        return Math.min(properties.effectiveWriteQuorum(), replicas.size() + 1);
    }

    /** How many copies a read consults, this node's included, given the {@code replicas} that can hold one. */
    public int readQuorum(List<NodeRef> replicas) {
        return Math.min(properties.effectiveReadQuorum(), replicas.size() + 1);
    }

    /**
     * Sends {@code entry} to every one of {@code replicas} (in the next call of each one's
     * {@link PeerPipeline}, with the copies of other requests bound there) and waits, at most {@code dht.request-timeout}
     * and not past {@code deadline}, until {@code needed} of them confirmed it; answers how many did.
     * The rest still get their copy. A DOWN replica's copy goes to a fallback node as a hint
     * ({@link #fallbacksFor}), which counts as its copy (sloppy quorum, as in Dynamo): the fallback
     * hands it over once the replica is back. Without a fallback, and for a copy that failed, the
     * hint is kept here; that one does not count.
     */
    public int replicate(Entry entry, List<NodeRef> replicas, int needed, Instant deadline) {
        int down = (int) replicas.stream().filter(ringView::isDown).count();
        Iterator<NodeRef> fallbacks = down == 0 ? Collections.emptyIterator() : fallbacksFor(entry.position(), down).iterator();
        AtomicInteger confirmed = new AtomicInteger();
        AtomicInteger outstanding = new AtomicInteger(replicas.size());
        CompletableFuture<Void> enough = new CompletableFuture<>();
        if (replicas.isEmpty()) {
            enough.complete(null);
        }
        for (NodeRef replica : replicas) {
            CompletableFuture<Boolean> copy = !ringView.isDown(replica) ? toReplicas.send(replica, entry)
                    : fallbacks.hasNext() ? hintsFor(replica).send(fallbacks.next(), entry)
                    : CompletableFuture.failedFuture(new IllegalStateException("no live node to keep the hint"));
            copy.whenComplete((ok, failure) -> {
                if (failure == null) {
                    if (confirmed.incrementAndGet() >= needed) {
                        enough.complete(null);
                    }
                } else {
                    log.debug("copy of {} for {} failed, kept here as a hint: {}", entry.key(), replica, failure.getMessage());
                    handoff.keep(replica.address(), entry);
                }
                if (outstanding.decrementAndGet() == 0) {
                    enough.complete(null);
                }
            });
        }
        if (needed <= 0 || replicas.isEmpty()) {
            return 0; // the copies still go out
        }
        try {
            enough.get(waitUntil(deadline).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            log.debug("copies of {} not all confirmed in time", entry.key());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return confirmed.get();
    }

    private PeerPipeline<Entry, Boolean> hintsFor(NodeRef replica) {
        return hintsOnFallbacks.computeIfAbsent(replica.address(), target -> PeerPipeline.hintsFor(target, peers, executor));
    }

    /**
     * As {@link #replicate(Entry, List, int, Instant)}, for a write one of the key's replicas
     * coordinated: {@code owner} (one of {@code replicas}) gets its copy first, as the owner
     * ({@link PeerClient#replicateToOwner}, in the next call of its {@link PeerPipeline}; refused
     * unless it owns the key), and only once it took it do the others get theirs: a write its owner
     * does not take reaches no other node, and can go to the owner the usual way.
     */
    public Replication replicate(Entry entry, List<NodeRef> replicas, int needed, NodeRef owner, Instant deadline) {
        if (owner == null) {
            return new Replication(replicate(entry, replicas, needed, deadline), true, false);
        }
        PeerPipeline.OwnerTook took = null;
        try {
            took = toOwners.send(owner, entry).get(waitUntil(deadline).toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.debug("the owner {} did not take {} in time: {}", owner, entry.key(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (took == null || took == PeerPipeline.OwnerTook.NOT_OWNER) {
            return new Replication(0, false, false);
        }
        List<NodeRef> others = replicas.stream().filter(replica -> !replica.equals(owner)).toList();
        return new Replication(1 + replicate(entry, others, needed - 1, deadline), true, took == PeerPipeline.OwnerTook.OVER_A_VALUE);
    }

    /**
     * How long a replica serving a read waits for the key's owner before it reads the other replicas
     * instead: a quarter of {@code dht.request-timeout}, and at most half the time the request has
     * left, so that the others still have time to answer.
     */
    private Duration ownersShare(Instant deadline) {
        Duration half = waitUntil(deadline).dividedBy(2);
        Duration quarter = properties.requestTimeout().dividedBy(4);
        return half.compareTo(quarter) < 0 ? half : quarter;
    }

    /**
     * How many replicas confirmed a copy in time, whether the owner did, where it had to, and whether
     * the write replaced a value there.
     */
    public record Replication(int confirmed, boolean ownerConfirmed, boolean ownerReplaced) {

        public Replication(int confirmed, boolean ownerConfirmed) {
            this(confirmed, ownerConfirmed, false);
        }
    }

    /**
     * The newest of this node's copy and those of the first {@code others} of {@code replicas} to
     * answer (see {@link #firstAnswers}). A newer copy found elsewhere also replaces the local one.
     */
    public Read newest(String key, Optional<Entry> local, List<NodeRef> replicas, int others, Instant deadline) {
        Read read = firstAnswers(key, local, replicas, others, deadline);
        return new Read(copies.newerOf(local, read.newest()), read.answered());
    }

    /**
     * The owner's answer for a key, for a replica that serves a read itself and holds {@code local}
     * (a copy of the same version comes back as a confirmation alone; {@link CopyAnswer#copyGiven});
     * empty when the owner did not answer within its share of the time ({@link #ownersShare}). It goes
     * in the next call of the owner's
     * {@link PeerPipeline}, with the reads of other requests bound there.
     */
    public Optional<CopyAnswer> askOwner(NodeRef owner, String key, Optional<Entry> local, Instant deadline) {
        try {
            return Optional.of(readsOfOwners.send(owner, Wanted.of(key, local)).get(ownersShare(deadline).toNanos(), TimeUnit.NANOSECONDS));
        } catch (ExecutionException | TimeoutException e) {
            log.debug("the owner {} did not answer for {} in time: {}", owner, key, e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * The newest copy among the first {@code needed} of {@code replicas} to answer (see
     * {@link #firstCompleted}), each answering against {@code known}, the
     * asker's own copy: the same version comes back as a confirmation alone, its value staying home.
     * The reads go in the next call of each replica's {@link PeerPipeline}. Nothing is stored here.
     */
    public Read firstAnswers(String key, Optional<Entry> known, List<NodeRef> replicas, int needed, Instant deadline) {
        Wanted wanted = Wanted.of(key, known);
        List<Optional<Entry>> copies = firstCompleted(replicas, needed, deadline, replica -> readsOfReplicas.send(replica, wanted)
                .thenApply(answer -> {
                    if (answer.kind() == CopyAnswer.Kind.NOT_OWNED) {
                        throw new IllegalStateException(replica + " answered a replica read as if asked as the owner");
                    }
                    return answer.copyGiven(known);
                }));
        return new Read(copies.stream().reduce(Optional.empty(), Entry::newer), copies.size());
    }

    /**
     * The answers of the first {@code needed} of {@code replicas} to answer {@code question}, each
     * asked in a call of its own (see {@link #firstCompleted}).
     */
    public <T> List<T> firstAnswers(List<NodeRef> replicas, int needed, Instant deadline, Function<NodeRef, T> question) {
        return firstCompleted(replicas, needed, deadline, replica -> CompletableFuture.supplyAsync(() -> question.apply(replica), executor));
    }

    /**
     * The answers of the first {@code needed} of {@code replicas} to answer {@code question}. As many
     * as needed are asked at first; the next one as soon as one of them fails, or when none
     * has answered for {@link #HEDGE} (a hedged read, as Cassandra's speculative retry), so that a
     * slow or dead replica costs a read little while the others answer, and a healthy ring asks no
     * more replicas than needed. The read waits {@code dht.request-timeout} at most, and not past
     * {@code deadline}; fewer answers than needed when too few replicas answered in time.
     */
    private <T> List<T> firstCompleted(List<NodeRef> holders, int needed, Instant deadline, Function<NodeRef, CompletableFuture<T>> question) {
        if (needed <= 0 || holders.isEmpty()) {
            return List.of();
        }
        // a DOWN replica is asked last, if the others fail; most reads find none and keep their order as it is
        List<NodeRef> replicas = ringView.down().isEmpty() ? holders
                : holders.stream().sorted(Comparator.comparing(ringView::isDown)).toList();
        BlockingQueue<Answer<T>> answers = new LinkedBlockingQueue<>();
        long until = System.nanoTime() + waitUntil(deadline).toNanos();
        List<T> answered = new ArrayList<>(needed);
        int asked = 0;
        int outstanding = 0;
        for (; asked < Math.min(needed, replicas.size()); asked++, outstanding++) {
            ask(replicas.get(asked), question, answers);
        }
        try {
            while (answered.size() < needed && outstanding > 0) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    log.debug("fewer than {} of {} answered in time", needed, replicas);
                    break;
                }
                Answer<T> answer = answers.poll(Math.min(left, HEDGE.toNanos()), TimeUnit.NANOSECONDS);
                if (answer != null) {
                    outstanding--;
                    if (answer.answered()) {
                        answered.add(answer.value());
                        continue;
                    }
                }
                if (asked < replicas.size()) {
                    // a replica failed, or none answered for a while: ask the next one too
                    ask(replicas.get(asked++), question, answers);
                    outstanding++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return answered;
    }

    /** How long a request may still wait for replicas: {@code dht.request-timeout} at most, and never past its deadline. */
    private Duration waitUntil(Instant deadline) {
        Duration left = Duration.between(scheduler.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left.compareTo(properties.requestTimeout()) < 0 ? left : properties.requestTimeout();
    }

    private <T> void ask(NodeRef replica, Function<NodeRef, CompletableFuture<T>> question, BlockingQueue<Answer<T>> answers) {
        CompletableFuture<T> answer;
        try {
            answer = question.apply(replica);
        } catch (RuntimeException failure) {
            answer = CompletableFuture.failedFuture(failure);
        }
        answer.whenComplete((value, failure) -> {
            if (failure == null) {
                answers.add(new Answer<>(value, true));
            } else {
                log.debug("{} did not answer: {}", replica, failure.getMessage());
                answers.add(new Answer<>(null, false));
            }
        });
    }

    /** A replica's answer, or none when it failed to answer. */
    private record Answer<T>(T value, boolean answered) {
    }

    /** The newest copy a read found, and how many replicas besides this node answered. */
    public record Read(Optional<Entry> newest, int answered) {
    }

    /** Pushes entries to one replica, answering whether it took them. */
    public boolean push(NodeRef replica, List<Entry> entries) {
        try {
            peers.replicate(replica, entries);
            return true;
        } catch (PeerFailure e) {
            log.warn("could not copy {} entries to {}: {}", entries.size(), replica, e.getMessage());
            return false;
        }
    }

}
