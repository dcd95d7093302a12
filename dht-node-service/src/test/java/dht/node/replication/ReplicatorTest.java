package dht.node.replication;

import dht.core.HybridClock;
import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.CopyAnswer;
import dht.core.wire.Entry;
import dht.core.wire.Member;
import dht.core.wire.MemberState;
import dht.node.config.NodeProperties;
import dht.node.hints.HintStore;
import dht.node.hints.HintedHandoff;
import dht.node.membership.LocalNode;
import dht.node.membership.NodeState;
import dht.node.membership.RingView;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;
import dht.node.peer.RegistryClient;
import dht.node.storage.Copies;
import dht.node.storage.InMemoryKeyValueStore;
import dht.node.storage.KeyLocks;
import dht.node.telemetry.DhtMetrics;
import dht.node.time.ThreadScheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.awaitility.Awaitility.await;

/**
 * Replica reads and writes are done with the first answers they need: a read asks one more replica as
 * soon as one fails or is late, so a replica that hangs or is down costs it little while the others
 * answer; a write's quorum does not wait for a replica whose copies are stuck behind a hung call. (The
 * request timeout is set far beyond the hang guard, so waiting for the slow replica would fail the test.)
 */
class ReplicatorTest {

    private static final Duration HANG_GUARD = Duration.ofSeconds(20);
    private static final RingPosition KEY = RingPosition.ofKey("k");
    /** This node owns the key; the others stand before it, counter-clockwise: the key's replicas, then a fallback. */
    private static final NodeRef SELF = new NodeRef(KEY, "self.example:7000");
    private static final NodeRef SLOW = NodeRef.at("slow.example:7001");
    private static final NodeRef DOWN = new NodeRef(KEY.previous(), "down.example:7002");
    private static final NodeRef QUICK = new NodeRef(KEY.previous().previous(), "quick.example:7003");
    private static final NodeRef FALLBACK = new NodeRef(KEY.previous().previous().previous(), "fallback.example:7004");

    private final NodeProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
            "dht.request-timeout", "10m"))).bindOrCreate("dht", NodeProperties.class);
    private final PeerClient peers = mock(PeerClient.class);
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final DhtMetrics metrics = new DhtMetrics(meters, new InMemoryKeyValueStore());
    private final RingView ringView = new RingView(event -> {
    });
    private final LocalNode local = new LocalNode(ringView, event -> {
    });
    private final CountDownLatch hang = new CountDownLatch(1);
    private final ThreadScheduler scheduler = new ThreadScheduler(new SimpleAsyncTaskScheduler());
    private final HintStore hints = HintStore.inMemory(1 << 20);
    private final Copies copies = new Copies(new InMemoryKeyValueStore(), new KeyLocks(16), new HybridClock(System::currentTimeMillis));
    private final HintedHandoff handoff = new HintedHandoff(hints, local, ringView, peers, mock(RegistryClient.class), copies, properties, scheduler, metrics);
    private final Replicator replicator = new Replicator(local, ringView, peers, properties, copies, scheduler, handoff);

    ReplicatorTest() {
        local.update(Neighborhood.alone(SELF, List.of()), NodeState.READY);
    }

    @AfterEach
    void releaseTheSlowReplica() {
        hang.countDown();
    }

    @Test
    void oneSlowReplicaDoesNotSlowAReadThatAnotherAnswers() {
        Entry copy = new Entry("k", "v".getBytes(StandardCharsets.UTF_8), "text/plain", new Version(1, RingPosition.MIN));
        when(peers.readCopies(eq(SLOW), any())).thenAnswer(invocation -> {
            hang.await();
            return List.of(CopyAnswer.of(Optional.empty(), null));
        });
        when(peers.readCopies(eq(DOWN), any())).thenThrow(PeerFailure.unreachable(DOWN, null));
        when(peers.readCopies(eq(QUICK), any())).thenReturn(List.of(CopyAnswer.of(Optional.of(copy), null)));

        Replicator.Read read = assertTimeoutPreemptively(HANG_GUARD,
                () -> replicator.newest("k", Optional.empty(), List.of(SLOW, DOWN, QUICK), 1, Instant.now().plusSeconds(600)));

        assertThat(read.answered()).isEqualTo(1);
        assertThat(read.newest()).contains(copy);
    }

    @Test
    void aReadThatNoReplicaAnswersEndsWhenAllHaveFailed() {
        when(peers.readCopies(any(), any())).thenThrow(PeerFailure.unreachable(DOWN, null));

        Replicator.Read read = assertTimeoutPreemptively(HANG_GUARD, () -> replicator.newest("k", Optional.empty(), List.of(DOWN, QUICK), 1, Instant.now().plusSeconds(600)));

        assertThat(read.answered()).isZero();
        assertThat(read.newest()).isEmpty();
    }

    @Test
    void aDownReplicasCopyGoesToAFallbackAsAHintThatCountsTowardsTheQuorum() {
        Entry copy = new Entry("k", "v".getBytes(StandardCharsets.UTF_8), "text/plain", new Version(1, RingPosition.MIN));
        ringView.replace(Ring.of(List.of(SELF, QUICK, FALLBACK)), List.of(new Member(DOWN.id(), DOWN.address(), MemberState.DOWN)));

        int confirmed = assertTimeoutPreemptively(HANG_GUARD,
                () -> replicator.replicate(copy, List.of(DOWN, QUICK), 2, Instant.now().plusSeconds(600)));

        assertThat(confirmed).isEqualTo(2);
        verify(peers, never()).replicate(eq(DOWN), any());
        verify(peers).storeHints(FALLBACK, DOWN.address(), List.of(copy));
        assertThat(hints.pending()).isZero();
    }

    @Test
    void withoutAFallbackADownReplicasCopyIsKeptHereAsAHintThatDoesNotCount() {
        Entry copy = new Entry("k", "v".getBytes(StandardCharsets.UTF_8), "text/plain", new Version(1, RingPosition.MIN));
        ringView.replace(Ring.of(List.of(SELF, QUICK)), List.of(new Member(DOWN.id(), DOWN.address(), MemberState.DOWN)));

        int confirmed = assertTimeoutPreemptively(HANG_GUARD,
                () -> replicator.replicate(copy, List.of(DOWN, QUICK), 2, Instant.now().plusSeconds(600)));

        assertThat(confirmed).isEqualTo(1);
        assertThat(hints.next(DOWN.address(), 10)).extracting(hint -> hint.entry().version()).containsExactly(copy.version());
        assertThat(meters.get("dht.hints.stored").counter().count()).isEqualTo(1.0);
        assertThat(meters.get("dht.hints.pending").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void aCopyThatFailsIsKeptAsAHintAndHandedOverOnceItsReplicaIsUp() {
        Entry copy = new Entry("k", "v".getBytes(StandardCharsets.UTF_8), "text/plain", new Version(1, RingPosition.MIN));
        ringView.replace(Ring.of(List.of(SELF, QUICK, FALLBACK)), List.of());
        doAnswer(invocation -> {
            throw PeerFailure.unreachable(QUICK, null);
        }).when(peers).replicate(eq(QUICK), any());

        int confirmed = assertTimeoutPreemptively(HANG_GUARD,
                () -> replicator.replicate(copy, List.of(QUICK, FALLBACK), 2, Instant.now().plusSeconds(600)));
        await().atMost(HANG_GUARD).until(() -> hints.pendingFor(QUICK.address()) == 1);
        doAnswer(invocation -> null).when(peers).replicate(eq(QUICK), any());
        handoff.deliver(QUICK.address());

        assertThat(confirmed).isEqualTo(1);
        assertThat(hints.pending()).isZero();
        assertThat(meters.get("dht.hints.delivered").counter().count()).isEqualTo(1.0);
    }

    @Test
    void oneSlowReplicaDoesNotSlowAWriteThatAnotherConfirms() {
        Entry copy = new Entry("k", "v".getBytes(StandardCharsets.UTF_8), "text/plain", new Version(1, RingPosition.MIN));
        doAnswer(invocation -> {
            hang.await();
            return null;
        }).when(peers).replicate(eq(SLOW), any());

        int confirmed = assertTimeoutPreemptively(HANG_GUARD,
                () -> replicator.replicate(copy, List.of(SLOW, QUICK), 1, Instant.now().plusSeconds(600)));
        // the slow replica's next copies queue behind its call in flight; the quick one's do not
        int again = assertTimeoutPreemptively(HANG_GUARD,
                () -> replicator.replicate(copy, List.of(SLOW, QUICK), 1, Instant.now().plusSeconds(600)));

        assertThat(confirmed).isEqualTo(1);
        assertThat(again).isEqualTo(1);
    }
}
