package dht.node.keys;

import dht.core.Key;
import dht.core.NeighborView;
import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.Version;
import dht.core.wire.Entry;
import dht.node.config.NodeProperties;
import dht.node.keys.KeyBatchService.Item;
import dht.node.keys.KeyBatchService.Result;
import dht.node.membership.FailureDetector;
import dht.node.membership.LocalNode;
import dht.node.membership.NodeState;
import dht.node.membership.RingView;
import dht.node.peer.KeyOptions;
import dht.node.peer.KeyOutcome;
import dht.node.peer.KeyRequest;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;
import dht.node.replication.Replicator;
import dht.node.telemetry.DhtMetrics;
import dht.node.time.ThreadScheduler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.stubbing.Answer;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.HttpMethod;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * A batch's keys on a node of three that owns none of them: each goes through {@link KeyService}
 * and on to its owner, a stubbed peer, as a single request would. The keys run side by side, each
 * ends in its own outcome or failure, and no more run at once than the node allows.
 */
class KeyBatchServiceTest {

    private static final NodeRef SELF = NodeRef.at("self.example:7001");
    private static final NodeRef LEFT = NodeRef.at("left.example:7002");
    private static final NodeRef RIGHT = NodeRef.at("right.example:7003");
    private static final Duration FAR = Duration.ofMinutes(10);

    private final NodeProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
            "dht.storage.type", "memory"))).bindOrCreate("dht", NodeProperties.class);
    private final RingView ringView = new RingView(event -> { });
    private final LocalNode node = new LocalNode(ringView, event -> { });
    private final PeerClient peers = mock(PeerClient.class);
    private final Replicator replicator = mock(Replicator.class);
    private final ThreadScheduler scheduler = new ThreadScheduler(new SimpleAsyncTaskScheduler());
    private final KeyService keys = new KeyService(node, mock(KeyCoordinator.class), peers, properties, mock(DhtMetrics.class),
            replicator, ringView, scheduler, mock(FailureDetector.class));
    /** Opened at the end of every test, so that no stub still waits on it. */
    private final CountDownLatch released = new CountDownLatch(1);

    @BeforeEach
    void aNodeOfThreeInTheRing() {
        Ring ring = Ring.of(SELF, LEFT, RIGHT);
        ringView.replace(ring);
        node.changeOwnership(() -> {
            node.update(new Neighborhood(SELF, List.of(new NeighborView(SELF, ring.memberBefore(SELF.id()), ring.memberAfter(SELF.id())))),
                    NodeState.READY);
            return null;
        });
        // a read whose owner failed finds no other replica that answers
        when(replicator.firstAnswers(anyString(), any(), any(), anyInt(), any())).thenReturn(new Replicator.Read(Optional.empty(), 0));
    }

    @AfterEach
    void releaseEveryStub() {
        released.countDown();
    }

    @Test
    void everyItemIsAnsweredInTheBatchsOrderARefusedOneWithItsRefusal() {
        List<Key> foreign = foreignKeys(6);
        when(peers.forward(any(), any())).thenAnswer(invocation -> found(invocation.getArgument(1)));
        IllegalStateException refusal = new IllegalStateException("a bad key");
        List<Item> items = new ArrayList<>(foreign.stream().map(key -> Item.of(read(key, FAR))).toList());
        items.add(3, Item.refused("bad", refusal));

        List<Result> results = batches(4, 64).serve(HttpMethod.GET, items, deadline(FAR));

        assertThat(results).extracting(Result::key).containsExactlyElementsOf(items.stream().map(Item::key).toList());
        assertThat(results.get(3).failure()).isSameAs(refusal);
        assertThat(results).filteredOn(result -> result != results.get(3))
                .allSatisfy(result -> assertThat(valueOf(result)).isEqualTo("value of " + result.key()));
    }

    @Test
    void theKeysOfABatchAreServedSideBySide() {
        List<Key> foreign = foreignKeys(4);
        CountDownLatch allStarted = new CountDownLatch(foreign.size());
        when(peers.forward(any(), any())).thenAnswer(invocation -> {
            allStarted.countDown();
            // one after the other, the first would wait here for the others in vain
            return allStarted.await(30, TimeUnit.SECONDS) ? found(invocation.getArgument(1)) : null;
        });

        List<Result> results = batches(4, 64).serve(HttpMethod.GET, reads(foreign), deadline(FAR));

        assertThat(results).allSatisfy(result -> assertThat(valueOf(result)).isEqualTo("value of " + result.key()));
    }

    @Test
    void aKeyWhosePeersCannotBeReachedFailsAloneAndTheOthersAreServed() {
        List<Key> foreign = foreignKeys(5);
        Key unreachable = foreign.get(2);
        ownersAnswer(unreachable, invocation -> {
            throw PeerFailure.unreachable(invocation.getArgument(0), null);
        });

        List<Result> results = batches(2, 64).serve(HttpMethod.GET, reads(foreign), deadline(FAR));

        assertThat(results.get(2).failure()).isInstanceOf(PeerFailure.Unreachable.class);
        assertThat(results).filteredOn(result -> !result.key().equals(unreachable.value()))
                .hasSize(4).allSatisfy(result -> assertThat(valueOf(result)).isEqualTo("value of " + result.key()));
    }

    @Test
    void aKeyNotAnsweredByTheDeadlineTimesOutAloneAndTheOthersAreServed() {
        List<Key> foreign = foreignKeys(5);
        ownersAnswer(foreign.get(0), invocation -> {
            released.await();
            return found(invocation.getArgument(1));
        });
        Duration shortly = Duration.ofSeconds(2);

        List<Result> results = batches(8, 64).serve(HttpMethod.GET, reads(foreign, shortly), deadline(shortly));

        assertThat(results.get(0).failure()).isInstanceOf(PeerFailure.TimedOut.class);
        assertThat(results.subList(1, results.size())).allSatisfy(result -> assertThat(valueOf(result)).isEqualTo("value of " + result.key()));
    }

    @Test
    void noMoreKeysRunAtOnceThanTheNodeAllowsAcrossBatches() throws Exception {
        List<Key> foreign = foreignKeys(8);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        when(peers.forward(any(), any())).thenAnswer(invocation -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                released.await();
                return found(invocation.getArgument(1));
            } finally {
                running.decrementAndGet();
            }
        });
        KeyBatchService batches = batches(16, 2);

        CompletableFuture<List<Result>> first = CompletableFuture.supplyAsync(() ->
                batches.serve(HttpMethod.GET, reads(foreign.subList(0, 4)), deadline(FAR)));
        CompletableFuture<List<Result>> second = CompletableFuture.supplyAsync(() ->
                batches.serve(HttpMethod.GET, reads(foreign.subList(4, 8)), deadline(FAR)));
        await().atMost(Duration.ofSeconds(30)).until(() -> running.get() == 2);
        released.countDown();

        assertThat(first.get(30, TimeUnit.SECONDS)).hasSize(4).allSatisfy(result -> assertThat(result.outcome()).isNotNull());
        assertThat(second.get(30, TimeUnit.SECONDS)).hasSize(4).allSatisfy(result -> assertThat(result.outcome()).isNotNull());
        assertThat(most).hasValue(2);
    }

    /** The owners answer every key with its value but {@code special}, whose answer is {@code answer}'s. */
    private void ownersAnswer(Key special, Answer<KeyOutcome> answer) {
        when(peers.forward(any(), any())).thenAnswer(invocation -> {
            KeyRequest request = invocation.getArgument(1);
            return request.key().equals(special) ? answer.answer(invocation) : found(request);
        });
    }

    private KeyBatchService batches(int parallelism, int maxConcurrentKeys) {
        return new KeyBatchService(keys, node, mock(DhtMetrics.class), scheduler, properties,
                new BatchProperties(parallelism, maxConcurrentKeys));
    }

    /** Keys this node holds no replica of (the replicator says none): each goes to its owner. */
    private List<Key> foreignKeys(int count) {
        return IntStream.range(0, 10_000).mapToObj(i -> "key-" + i)
                .filter(key -> !ringView.ring().ownerOfKey(key).equals(SELF)).map(Key::of).limit(count).toList();
    }

    private List<Item> reads(List<Key> keys) {
        return reads(keys, FAR);
    }

    private List<Item> reads(List<Key> keys, Duration timeLeft) {
        return keys.stream().map(key -> Item.of(read(key, timeLeft))).toList();
    }

    private KeyRequest read(Key key, Duration timeLeft) {
        return KeyRequest.read(key, 0, deadline(timeLeft), KeyOptions.NONE);
    }

    private Instant deadline(Duration timeLeft) {
        return scheduler.now().plus(timeLeft);
    }

    private static KeyOutcome found(KeyRequest request) {
        Entry entry = new Entry(request.key().value(), ("value of " + request.key().value()).getBytes(StandardCharsets.UTF_8),
                "text/plain", new Version(1, LEFT.id()));
        return new KeyOutcome.Found(entry, LEFT.id(), 1);
    }

    private static String valueOf(Result result) {
        assertThat(result.failure()).as("the failure of %s", result.key()).isNull();
        return new String(((KeyOutcome.Found) result.outcome()).entry().value(), StandardCharsets.UTF_8);
    }
}
