package dht.node.replication;

import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.Entry;
import dht.core.wire.OwnerWrites;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

/**
 * Copies for one node share calls under load, and each request's copy completes with the call
 * that carried it: once, with its own answer, as that call ended.
 */
class PeerPipelineTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final NodeRef REPLICA = NodeRef.at("replica.example:7001");

    private final PeerClient peers = mock(PeerClient.class);
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final PeerPipeline<Entry, Boolean> pipeline = PeerPipeline.toReplicas(peers, executor);
    private final List<List<String>> calls = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstCallMayEnd = new CountDownLatch(1);

    @AfterEach
    void stop() {
        firstCallMayEnd.countDown();
        executor.shutdownNow();
    }

    @Test
    void aCopyForAnIdleReplicaGoesAtOnceInACallOfItsOwn() throws Exception {
        recordCalls(false);

        pipeline.send(REPLICA, entry("k")).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

        assertThat(calls).containsExactly(List.of("k"));
    }

    @Test
    void copiesQueuedWhileACallIsInFlightGoTogetherInTheNextCall() throws Exception {
        recordCalls(true);
        CompletableFuture<Boolean> first = pipeline.send(REPLICA, entry("first"));
        await().atMost(DEADLINE).until(() -> calls.size() == 1);

        List<CompletableFuture<Boolean>> queued = IntStream.range(0, 50).mapToObj(i -> pipeline.send(REPLICA, entry("k" + i))).toList();
        assertThat(pipeline.queued(REPLICA)).isEqualTo(50);
        assertThat(queued).noneMatch(CompletableFuture::isDone);
        firstCallMayEnd.countDown();

        CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new)).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(first).isCompleted();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1)).containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> "k" + i).toList());
    }

    @Test
    void aBatchThatFailsFailsEachOfItsCopiesAndTheNextBatchStillGoes() throws Exception {
        CountDownLatch failing = new CountDownLatch(1);
        doAnswer(invocation -> {
            List<Entry> entries = invocation.getArgument(1);
            calls.add(entries.stream().map(Entry::key).toList());
            if (calls.size() == 1) {
                firstCallMayEnd.await();
            }
            if (calls.size() == 2) {
                failing.countDown();
                throw PeerFailure.unreachable(REPLICA, null);
            }
            return null;
        }).when(peers).replicate(any(), anyList());
        pipeline.send(REPLICA, entry("first"));
        await().atMost(DEADLINE).until(() -> calls.size() == 1);
        List<CompletableFuture<Boolean>> failed = List.of(pipeline.send(REPLICA, entry("a")), pipeline.send(REPLICA, entry("b")));
        firstCallMayEnd.countDown();
        failing.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);

        for (CompletableFuture<Boolean> copy : failed) {
            assertThat(copy).failsWithin(DEADLINE).withThrowableOfType(Exception.class)
                    .havingCause().isInstanceOf(PeerFailure.Unreachable.class);
        }
        pipeline.send(REPLICA, entry("after")).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(calls).containsExactly(List.of("first"), List.of("a", "b"), List.of("after"));
    }

    @Test
    void aBatchNeverCarriesOneKeyTwice() throws Exception {
        recordCalls(true);
        pipeline.send(REPLICA, entry("first"));
        await().atMost(DEADLINE).until(() -> calls.size() == 1);
        List<CompletableFuture<Boolean>> copies = List.of(pipeline.send(REPLICA, entry("a")), pipeline.send(REPLICA, entry("b")),
                pipeline.send(REPLICA, entry("a")), pipeline.send(REPLICA, entry("c")));
        firstCallMayEnd.countDown();

        CompletableFuture.allOf(copies.toArray(CompletableFuture[]::new)).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(calls).containsExactly(List.of("first"), List.of("a", "b"), List.of("a", "c"));
    }

    @Test
    void aFullQueueRefusesFurtherCopiesAtOnce() {
        recordCalls(true);
        pipeline.send(REPLICA, entry("first"));
        await().atMost(DEADLINE).until(() -> calls.size() == 1);
        List<CompletableFuture<Boolean>> queued = new ArrayList<>();
        for (int i = 0; i < PeerPipeline.MAX_QUEUED_ITEMS; i++) {
            queued.add(pipeline.send(REPLICA, entry("k" + i)));
        }

        CompletableFuture<Boolean> refused = pipeline.send(REPLICA, entry("one too many"));

        assertThat(refused).isCompletedExceptionally();
        assertThat(refused).failsWithin(Duration.ZERO).withThrowableOfType(Exception.class)
                .havingCause().isInstanceOf(PeerFailure.Paused.class);
        firstCallMayEnd.countDown();
        assertThat(CompletableFuture.allOf(queued.toArray(CompletableFuture[]::new))).succeedsWithin(DEADLINE);
    }

    @Test
    void aNodeAtSeveralPositionsHasOneQueue() throws Exception {
        recordCalls(true);
        NodeRef samePlaceOtherPosition = new NodeRef(RingPosition.parse("00000000000000aa"), REPLICA.address());
        pipeline.send(REPLICA, entry("first"));
        await().atMost(DEADLINE).until(() -> calls.size() == 1);

        CompletableFuture<Boolean> one = pipeline.send(REPLICA, entry("a"));
        CompletableFuture<Boolean> other = pipeline.send(samePlaceOtherPosition, entry("b"));
        firstCallMayEnd.countDown();

        CompletableFuture.allOf(one, other).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(calls).containsExactly(List.of("first"), List.of("a", "b"));
    }

    @Test
    void eachWriteForTheOwnerGetsItsOwnAnswerFromTheBatchThatCarriedIt() throws Exception {
        PeerPipeline<Entry, PeerPipeline.OwnerTook> toOwner = PeerPipeline.toOwners(peers, executor);
        doAnswer(invocation -> {
            List<Entry> entries = invocation.getArgument(1);
            calls.add(entries.stream().map(Entry::key).toList());
            if (calls.size() == 1) {
                firstCallMayEnd.await();
            }
            return new OwnerWrites(List.of("not mine"), List.of("had a value"));
        }).when(peers).replicateToOwner(any(), anyList());
        toOwner.send(REPLICA, entry("first"));
        await().atMost(DEADLINE).until(() -> calls.size() == 1);

        CompletableFuture<PeerPipeline.OwnerTook> taken = toOwner.send(REPLICA, entry("mine"));
        CompletableFuture<PeerPipeline.OwnerTook> refused = toOwner.send(REPLICA, entry("not mine"));
        CompletableFuture<PeerPipeline.OwnerTook> replaced = toOwner.send(REPLICA, entry("had a value"));
        firstCallMayEnd.countDown();

        assertThat(taken.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(PeerPipeline.OwnerTook.AS_NEW);
        assertThat(refused.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(PeerPipeline.OwnerTook.NOT_OWNER);
        assertThat(replaced.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(PeerPipeline.OwnerTook.OVER_A_VALUE);
        assertThat(calls).containsExactly(List.of("first"), List.of("mine", "not mine", "had a value"));
    }

    /** Records every call's keys; with {@code holdFirst}, the first call ends only once the test lets it. */
    private void recordCalls(boolean holdFirst) {
        doAnswer(invocation -> {
            List<Entry> entries = invocation.getArgument(1);
            calls.add(entries.stream().map(Entry::key).toList());
            if (holdFirst && calls.size() == 1) {
                firstCallMayEnd.await();
            }
            return null;
        }).when(peers).replicate(any(), anyList());
    }

    private static Entry entry(String key) {
        return new Entry(key, ("value of " + key).getBytes(StandardCharsets.UTF_8), "text/plain", new Version(1, RingPosition.MIN));
    }
}
