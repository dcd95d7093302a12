package dht.node.keys;

import dht.core.HybridClock;
import dht.core.Key;
import dht.core.KeyRange;
import dht.core.NeighborView;
import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.CopyAnswer;
import dht.core.wire.Entry;
import dht.node.config.NodeProperties;
import dht.node.membership.FailureDetector;
import dht.node.membership.LocalNode;
import dht.node.membership.NodeState;
import dht.node.membership.RingView;
import dht.node.peer.KeyFailure;
import dht.node.peer.KeyOptions;
import dht.node.peer.KeyOutcome;
import dht.node.peer.KeyRequest;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;
import dht.node.replication.Replicator;
import dht.node.storage.Copies;
import dht.node.storage.InMemoryKeyValueStore;
import dht.node.storage.KeyLocks;
import dht.node.telemetry.DhtMetrics;
import dht.node.time.ManualScheduler;
import dht.node.transfer.InboundTransfers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.stubbing.Answer;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.HttpMethod;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * The owner's side of a key request on a node of three, with the calls to other nodes stubbed:
 * every one of them (replica reads and writes, the previous holder's copy during a transfer) runs
 * with neither the ownership lock nor a key lock held, so that a slow peer never holds up ring
 * changes or other requests for the same key.
 */
class KeyServiceTest {

    private static final Instant DEADLINE = Instant.now().plusSeconds(600);

    private static final NodeRef SELF = NodeRef.at("self.example:7001");
    private static final NodeRef SOURCE = NodeRef.at("source.example:7002");
    private static final NodeRef OTHER = NodeRef.at("other.example:7003");

    private final NodeProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
            "dht.storage.type", "memory"))).bindOrCreate("dht", NodeProperties.class);
    private final RingView ringView = new RingView(event -> { });
    private final LocalNode node = new LocalNode(ringView, event -> { });
    private final KeyLocks locks = new KeyLocks(16);
    private final InMemoryKeyValueStore store = new InMemoryKeyValueStore();
    private final InboundTransfers inbound = new InboundTransfers();
    private final PeerClient peers = mock(PeerClient.class);
    private final Replicator replicator = mock(Replicator.class);
    private final FailureDetector failureDetector = mock(FailureDetector.class);
    private final AtomicInteger remoteCalls = new AtomicInteger();
    private final ManualScheduler scheduler = new ManualScheduler(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    private final KeyService keys = new KeyService(node,
            new KeyCoordinator(store, locks, inbound, peers, new HybridClock(System::currentTimeMillis), replicator,
                    new Copies(store, locks, new HybridClock(System::currentTimeMillis)), scheduler),
            peers, properties, mock(DhtMetrics.class), replicator, ringView, scheduler, failureDetector);
    private Key ownKey;

    @BeforeEach
    void aNodeOfThreeThatOwnsItsRange() {
        Ring ring = Ring.of(SELF, SOURCE, OTHER);
        ringView.replace(ring);
        node.changeOwnership(() -> {
            node.update(new Neighborhood(SELF, List.of(new NeighborView(SELF, ring.memberBefore(SELF.id()), ring.memberAfter(SELF.id())))),
                    NodeState.READY);
            return null;
        });
        ownKey = IntStream.range(0, 10_000).mapToObj(i -> "key-" + i)
                .filter(key -> ring.ownerOfKey(key).equals(SELF)).map(Key::of).findFirst().orElseThrow();
        List<NodeRef> replicas = List.of(SOURCE, OTHER);
        when(replicator.replicasOf(any())).thenReturn(replicas);
        when(replicator.quorum(any())).thenReturn(2);
        when(replicator.readQuorum(any())).thenReturn(2);
        when(replicator.replicate(any(), any(), anyInt(), any(), any())).thenAnswer(remote(invocation -> new Replicator.Replication(1, true)));
        when(replicator.newest(anyString(), any(), any(), anyInt(), any())).thenAnswer(remote(invocation -> new Replicator.Read(invocation.getArgument(1), 1)));
        when(peers.fetch(eq(SOURCE), anyString())).thenAnswer(remote(invocation -> Optional.of(new Entry(invocation.getArgument(1),
                "from the source".getBytes(StandardCharsets.UTF_8), "text/plain", new Version(1, SOURCE.id())))));
    }

    /** A stub of a call to another node that fails the test when it runs under a lock. */
    private <T> Answer<T> remote(Answer<T> answer) {
        return invocation -> {
            remoteCalls.incrementAndGet();
            assertThat(node.ownershipHeldByCurrentThread()).as("the ownership lock held during %s", invocation.getMethod().getName()).isFalse();
            assertThat(locks.heldByCurrentThread()).as("a key lock held during %s", invocation.getMethod().getName()).isFalse();
            return answer.answer(invocation);
        };
    }

    @Test
    void aWriteCopiesToTheReplicasOutsideTheLocks() {
        assertThat(keys.put(KeyRequest.write(ownKey, 0, DEADLINE, bytes("v"), "text/plain", KeyOptions.NONE)))
                .isInstanceOfSatisfying(KeyOutcome.Stored.class, stored -> assertThat(stored.created()).isTrue());
        assertThat(keys.delete(KeyRequest.delete(ownKey, 0, DEADLINE, KeyOptions.NONE))).isInstanceOf(KeyOutcome.Deleted.class);
        assertThat(remoteCalls).hasValue(2);
    }

    @Test
    void aReadAsksTheReplicasOutsideTheLocks() {
        keys.put(KeyRequest.write(ownKey, 0, DEADLINE, bytes("v"), "text/plain", KeyOptions.NONE));

        assertThat(valueOf(keys.get(KeyRequest.read(ownKey, 0, DEADLINE, KeyOptions.NONE)))).isEqualTo(bytes("v"));
        assertThat(remoteCalls).hasValue(2);
    }

    @Test
    void aConditionalWriteCatchesUpOutsideTheLocks() {
        KeyOptions createIfAbsent = new KeyOptions(null, null, null, "*");

        assertThat(keys.put(KeyRequest.write(ownKey, 0, DEADLINE, bytes("v"), "text/plain", createIfAbsent)))
                .isInstanceOfSatisfying(KeyOutcome.Stored.class, stored -> assertThat(stored.created()).isTrue());
        assertThat(remoteCalls).as("catch-up read, then the copies").hasValue(2);
    }

    @Test
    void whileTheRangeIsArrivingTheSourcesCopyIsFetchedOutsideTheLocks() {
        inbound.begin(KeyRange.wholeRing(RingPosition.MIN), SOURCE);

        assertThat(valueOf(keys.get(KeyRequest.read(ownKey, 0, DEADLINE, KeyOptions.NONE)))).isEqualTo(bytes("from the source"));
        assertThat(keys.put(KeyRequest.write(ownKey, 0, DEADLINE, bytes("v"), "text/plain", KeyOptions.NONE)))
                .as("replacing the source's copy")
                .isInstanceOfSatisfying(KeyOutcome.Stored.class, stored -> assertThat(stored.created()).isFalse());
        assertThat(remoteCalls).as("source read and replica read, source read and copies").hasValue(4);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aReplicaThatIsNotTheOwnerServesAReadItselfWithTheOwnersCopy() {
        Key foreignKey = foreignKey();
        store.put(new Entry(foreignKey.value(), bytes("here"), "text/plain", new Version(1, OTHER.id())));
        when(replicator.ownerIfReplicaHere(foreignKey.position())).thenReturn(Optional.of(OTHER));
        when(replicator.askOwner(eq(OTHER), anyString(), any(), any())).thenAnswer(remote(invocation -> Optional.of(CopyAnswer.of(Optional.empty(), null))));

        KeyOutcome outcome = keys.get(KeyRequest.read(foreignKey, 0, DEADLINE, KeyOptions.NONE));

        assertThat(outcome.owner()).as("X-DHT-Owner names the owner, not the replica").isEqualTo(OTHER.id());
        assertThat(valueOf(outcome)).isEqualTo(bytes("here"));
        verify(peers, never()).forward(any(), any());
        assertThat(remoteCalls).as("the owner's copy only").hasValue(1);
    }

    @Test
    void aReplicaServesAWriteItselfOnceTheOwnerTookIt() {
        Key foreignKey = foreignKey();
        when(replicator.ownerIfReplicaHere(foreignKey.position())).thenReturn(Optional.of(OTHER));

        KeyOutcome outcome = keys.put(KeyRequest.write(foreignKey, 0, DEADLINE, bytes("v"), "text/plain", KeyOptions.NONE));

        assertThat(outcome.owner()).isEqualTo(OTHER.id());
        assertThat(store.get(foreignKey.value())).isPresent();
        verify(replicator).replicate(any(), any(), anyInt(), eq(OTHER), any());
        verify(peers, never()).forward(any(), any());
    }

    @Test
    void aReplicaThatServesAWriteSaysCreatedOrReplacedAsTheOwnerFoundItNotByItsOwnTrailingCopy() {
        Key foreignKey = foreignKey();
        when(replicator.ownerIfReplicaHere(foreignKey.position())).thenReturn(Optional.of(OTHER));
        when(replicator.replicate(any(), any(), anyInt(), eq(OTHER), any())).thenAnswer(remote(invocation -> new Replicator.Replication(1, true, true)));

        KeyOutcome outcome = keys.put(KeyRequest.write(foreignKey, 0, DEADLINE, bytes("v"), "text/plain", KeyOptions.NONE));

        assertThat(store.get(foreignKey.value())).as("the value is new here").isPresent();
        assertThat(outcome).isInstanceOfSatisfying(KeyOutcome.Stored.class, stored -> assertThat(stored.created()).isFalse());
    }

    @Test
    void aReplicaSendsOnWhatTheOwnerDoesNotTakeAndEveryConditionalWrite() {
        Key foreignKey = foreignKey();
        when(replicator.ownerIfReplicaHere(foreignKey.position())).thenReturn(Optional.of(OTHER));
        when(replicator.replicate(any(), any(), anyInt(), eq(OTHER), any())).thenAnswer(remote(invocation -> new Replicator.Replication(1, false)));
        when(replicator.askOwner(eq(OTHER), anyString(), any(), any())).thenReturn(Optional.of(CopyAnswer.notOwned()));
        when(peers.forward(any(), any())).thenReturn(new KeyOutcome.Deleted(OTHER.id(), 1));

        keys.put(KeyRequest.write(foreignKey, 0, DEADLINE, bytes("v"), "text/plain", KeyOptions.NONE));
        keys.get(KeyRequest.read(foreignKey, 0, DEADLINE, KeyOptions.NONE));
        keys.put(KeyRequest.write(foreignKey, 0, DEADLINE, bytes("w"), "text/plain", new KeyOptions(null, null, "*", null)));

        verify(peers, times(2)).forward(any(), argThat(request -> request.method() == HttpMethod.PUT));
        verify(peers).forward(any(), argThat(request -> request.method() == HttpMethod.GET));
        assertThat(store.get(foreignKey.value())).as("a write the owner did not take is nowhere, not even here").isEmpty();
    }

    private Key foreignKey() {
        return IntStream.range(0, 10_000).mapToObj(i -> "key-" + i)
                .filter(key -> !ringView.ring().ownerOfKey(key).equals(SELF)).map(Key::of).findFirst().orElseThrow();
    }

    @Test
    void aRequestWhoseClientGaveUpIsNotForwarded() {
        Key foreignKey = foreignKey();

        assertThatThrownBy(() -> keys.get(KeyRequest.read(foreignKey, 1, scheduler.now().minusMillis(1), KeyOptions.NONE)))
                .isInstanceOf(PeerFailure.TimedOut.class);
        verify(peers, never()).forward(any(), any());
    }

    @Test
    void aNodeARequestCannotReachIsReportedAndOneThatRefusesIsNot() {
        Key foreignKey = foreignKey();
        when(peers.forward(any(), any())).thenThrow(PeerFailure.unreachable(OTHER, null));

        assertThatThrownBy(() -> keys.delete(KeyRequest.delete(foreignKey, 0, DEADLINE, KeyOptions.NONE)))
                .isInstanceOf(PeerFailure.class);
        verify(failureDetector, atLeastOnce()).suspect(any(), any());

        reset(failureDetector);
        doThrow(PeerFailure.refused(OTHER, PeerFailure.Reason.BUSY, "not ready")).when(peers).forward(any(), any());
        assertThatThrownBy(() -> keys.delete(KeyRequest.delete(foreignKey, 0, DEADLINE, KeyOptions.NONE)))
                .isInstanceOf(PeerFailure.class);
        verify(failureDetector, never()).suspect(any(), any());
    }

    @Test
    void aWriteWhoseHopIsConfirmedDownStartsOverToWhoeverServesTheKeyNow() {
        Key foreignKey = foreignKey();
        when(peers.forward(any(), any()))
                .thenThrow(PeerFailure.unreachable(OTHER, null))
                .thenReturn(new KeyOutcome.Deleted(OTHER.id(), 1));
        when(failureDetector.suspect(any(), any())).thenReturn(true);

        KeyOutcome outcome = keys.delete(KeyRequest.delete(foreignKey, 0, DEADLINE, KeyOptions.NONE));

        assertThat(outcome).isInstanceOf(KeyOutcome.Deleted.class);
        verify(peers, times(2)).forward(any(), any());
    }

    @Test
    void aConditionalWriteThatTimedOutIsNotSentTwice() {
        Key foreignKey = foreignKey();
        when(peers.forward(any(), any())).thenThrow(PeerFailure.timedOut(OTHER, Duration.ofSeconds(1), null));
        when(failureDetector.suspect(any(), any())).thenReturn(true);
        KeyOptions ifAbsent = new KeyOptions(null, null, null, "*", null);

        assertThatThrownBy(() -> keys.delete(KeyRequest.delete(foreignKey, 0, DEADLINE, ifAbsent)))
                .isInstanceOf(PeerFailure.TimedOut.class);
        verify(peers, times(1)).forward(any(), any());
    }

    @Test
    void aForwardedRequestKeepsItsClientsDeadline() {
        Key foreignKey = foreignKey();
        when(peers.forward(any(), any())).thenReturn(new KeyOutcome.Deleted(OTHER.id(), 1));

        keys.delete(KeyRequest.delete(foreignKey, 0, DEADLINE, KeyOptions.NONE));

        verify(peers).forward(any(), argThat(request -> request.deadline().equals(DEADLINE) && request.hops() == 1));
    }

    @Test
    void aValueWrittenWithATtlReadsWithItsExpiryUntilThenAndIsAbsentFromThen() {
        Instant written = scheduler.now();

        keys.put(KeyRequest.write(ownKey, 0, DEADLINE, bytes("v"), "text/plain", KeyOptions.NONE.withTtl(60L)));

        assertThat(foundEntry(keys.get(KeyRequest.read(ownKey, 0, DEADLINE, KeyOptions.NONE))).expires())
                .contains(written.plusSeconds(60));
        verify(replicator).replicate(argThat(entry -> entry.expires().equals(Optional.of(written.plusSeconds(60)))),
                any(), anyInt(), any(), any());
        scheduler.advance(Duration.ofSeconds(59));
        assertThat(valueOf(keys.get(KeyRequest.read(ownKey, 0, DEADLINE, KeyOptions.NONE)))).isEqualTo(bytes("v"));

        scheduler.advance(Duration.ofSeconds(1));

        assertThatThrownBy(() -> keys.get(KeyRequest.read(ownKey, 0, DEADLINE, KeyOptions.NONE)))
                .isInstanceOfSatisfying(KeyFailure.class, failure -> assertThat(failure.kind()).isEqualTo(KeyFailure.Kind.NOT_FOUND));
    }

    @Test
    void aWriteWithoutTtlMakesAnExpiringKeyPermanentAgain() {
        keys.put(KeyRequest.write(ownKey, 0, DEADLINE, bytes("v"), "text/plain", KeyOptions.NONE.withTtl(60L)));
        keys.put(KeyRequest.write(ownKey, 0, DEADLINE, bytes("w"), "text/plain", KeyOptions.NONE));

        scheduler.advance(Duration.ofDays(400));

        KeyOutcome found = keys.get(KeyRequest.read(ownKey, 0, DEADLINE.plus(Duration.ofDays(400)), KeyOptions.NONE));
        assertThat(valueOf(found)).isEqualTo(bytes("w"));
        assertThat(foundEntry(found).expires()).isEmpty();
    }

    @Test
    void anExpiredKeyIsAbsentToDeletesAndConditionalWritesAndAWriteCreatesItAnew() {
        KeyOutcome.Stored first = (KeyOutcome.Stored) keys.put(KeyRequest.write(ownKey, 0, DEADLINE, bytes("v"), "text/plain",
                KeyOptions.NONE.withTtl(1L)));
        scheduler.advance(Duration.ofSeconds(1));

        assertThatThrownBy(() -> keys.delete(KeyRequest.delete(ownKey, 0, DEADLINE, KeyOptions.NONE)))
                .isInstanceOfSatisfying(KeyFailure.class, failure -> assertThat(failure.kind()).isEqualTo(KeyFailure.Kind.NOT_FOUND));
        assertThatThrownBy(() -> keys.put(KeyRequest.write(ownKey, 0, DEADLINE, bytes("w"), "text/plain",
                new KeyOptions(null, null, "\"" + first.version() + "\"", null))))
                .as("If-Match against the expired version")
                .isInstanceOfSatisfying(KeyFailure.class, failure -> {
                    assertThat(failure.kind()).isEqualTo(KeyFailure.Kind.PRECONDITION_FAILED);
                    assertThat(failure.current()).isEmpty();
                });
        assertThat(keys.put(KeyRequest.write(ownKey, 0, DEADLINE, bytes("w"), "text/plain", new KeyOptions(null, null, null, "*"))))
                .as("If-None-Match: * over the expired value")
                .isInstanceOfSatisfying(KeyOutcome.Stored.class, stored -> assertThat(stored.created()).isTrue());
    }

    @Test
    void aReplicaServingAReadTreatsAnExpiredCopyAsAbsent() {
        Key foreignKey = foreignKey();
        store.put(Entry.expiring(foreignKey.value(), bytes("here"), "text/plain", new Version(1, OTHER.id()),
                Optional.of(scheduler.now().plusSeconds(5))));
        when(replicator.ownerIfReplicaHere(foreignKey.position())).thenReturn(Optional.of(OTHER));
        when(replicator.askOwner(eq(OTHER), anyString(), any(), any())).thenAnswer(remote(invocation -> Optional.of(CopyAnswer.of(Optional.empty(), null))));
        assertThat(foundEntry(keys.get(KeyRequest.read(foreignKey, 0, DEADLINE, KeyOptions.NONE))).expires())
                .contains(scheduler.now().plusSeconds(5));

        scheduler.advance(Duration.ofSeconds(5));

        assertThatThrownBy(() -> keys.get(KeyRequest.read(foreignKey, 0, DEADLINE, KeyOptions.NONE)))
                .isInstanceOfSatisfying(KeyFailure.class, failure -> assertThat(failure.kind()).isEqualTo(KeyFailure.Kind.NOT_FOUND));
    }

    private static Entry foundEntry(KeyOutcome outcome) {
        return ((KeyOutcome.Found) outcome).entry();
    }

    private static byte[] valueOf(KeyOutcome outcome) {
        return ((KeyOutcome.Found) outcome).entry().value();
    }
}
