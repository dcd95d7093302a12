package dht.node.transfer;

import dht.core.wire.RangeDigest;
import dht.core.HybridClock;
import dht.core.KeyRange;
import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.DigestRequest;
import dht.core.wire.Entry;
import dht.core.wire.StoreCursor;
import dht.core.wire.TransferPage;
import dht.core.wire.TransferRequest;
import dht.node.config.NodeProperties;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;
import dht.node.peer.Refusal;
import dht.node.storage.Copies;
import dht.node.storage.InMemoryKeyValueStore;
import dht.node.storage.KeyLocks;
import dht.node.storage.KeyValueStore;
import dht.node.telemetry.DhtMetrics;
import dht.node.time.ThreadScheduler;
import dht.node.transfer.InboundTransfers.Pending;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

class TransferServiceTest {

    private static final NodeRef SELF = new NodeRef(RingPosition.parse("1000000000000000"), "127.0.0.1:7001");
    private static final NodeRef SOURCE = new NodeRef(RingPosition.parse("0100000000000000"), "127.0.0.1:7000");
    private static final Version VERSION = new Version(5, SOURCE.id());

    private final NodeProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
            "dht.retry-interval", "10ms",
            "dht.storage.type", "memory")))
            .bindOrCreate("dht", NodeProperties.class);
    private final KeyValueStore store = new InMemoryKeyValueStore();
    private final PeerClient peers = mock(PeerClient.class);
    private final InboundTransfers inbound = new InboundTransfers();
    private final OutboundHandoffs outbound = new OutboundHandoffs();
    private final TransferService transfers = new TransferService(store,
            new Copies(store, new KeyLocks(16), new HybridClock(System::currentTimeMillis)), outbound, peers, properties,
            mock(DhtMetrics.class), event -> { }, new ThreadScheduler(new SimpleAsyncTaskScheduler()));

    @Test
    void aPageWithKeysOutsideThePulledRangeIsRefusedWholeAndPulledAgain() {
        Entry inside = entry("inside");
        Entry outside = entry("outside");
        KeyRange range = KeyRange.of(inside.cursor().position(), inside.cursor().position().next());
        Pending pending = inbound.begin(range, SOURCE);
        when(peers.pull(eq(SOURCE), any()))
                .thenReturn(new TransferPage(List.of(inside, outside), true))
                .thenReturn(new TransferPage(List.of(inside), true));

        long received = transfers.pull(SELF, pending);

        ArgumentCaptor<TransferRequest> requests = ArgumentCaptor.forClass(TransferRequest.class);
        verify(peers, times(2)).pull(eq(SOURCE), requests.capture());
        assertThat(requests.getAllValues()).allSatisfy(request -> {
            assertThat(request.after()).isNull();
            assertThat(request.confirmedThrough()).as("nothing of the refused page is confirmed").isNull();
        });
        assertThat(received).isEqualTo(1);
        assertThat(store.get("outside")).isEmpty();
        assertThat(store.get("inside")).contains(inside);
        verify(peers).completeTransfer(SOURCE, new TransferRequest(range, null, inside.cursor(), 0));
    }

    @Test
    void aNodeBackInPlacePullsOnlyTheArcsThatDifferAndTheSourceKeepsEverything() {
        KeyRange range = KeyRange.wholeRing(SELF.id());
        Entry same = entry("same");
        Entry stale = entry("changed");
        Entry newer = new Entry("changed", "newer".getBytes(), "text/plain", new Version(9, SOURCE.id()));
        store.put(same);
        store.put(stale);
        Pending pending = inbound.begin(range, SOURCE);
        when(peers.digest(eq(SOURCE), any())).thenReturn(digest(range, same, newer));
        when(peers.readRange(eq(SOURCE), any())).thenReturn(new TransferPage(List.of(newer), true));

        long received = transfers.pullBack(SELF, pending);

        assertThat(received).isEqualTo(1);
        assertThat(store.get("changed")).contains(newer);
        assertThat(store.get("same")).contains(same);
        ArgumentCaptor<TransferRequest> reads = ArgumentCaptor.forClass(TransferRequest.class);
        verify(peers).readRange(eq(SOURCE), reads.capture());
        assertThat(reads.getValue().range().contains(newer.cursor().position())).isTrue();
        assertThat(reads.getValue().range().contains(same.cursor().position())).as("an arc that agrees is not read").isFalse();
        verify(peers, never()).pull(any(), any());
        verify(peers).completeTransfer(SOURCE, new TransferRequest(range, null, null, 0));
    }

    @Test
    void aNodeBackInPlacePullsTheRangeWholeFromASourceThatDoesNotKeepItsCopies() {
        KeyRange range = KeyRange.wholeRing(SELF.id());
        Entry changed = new Entry("changed", "newer".getBytes(), "text/plain", new Version(9, SOURCE.id()));
        store.put(entry("changed"));
        Pending pending = inbound.begin(range, SOURCE);
        when(peers.digest(eq(SOURCE), any())).thenReturn(digest(range, changed));
        when(peers.readRange(eq(SOURCE), any())).thenReturn(new TransferPage(List.of(changed), true));
        doThrow(PeerFailure.refused(SOURCE, PeerFailure.Reason.CONFLICT, "not complete"))
                .doNothing().when(peers).completeTransfer(eq(SOURCE), any());
        when(peers.pull(eq(SOURCE), any())).thenReturn(new TransferPage(List.of(changed), true));

        transfers.pullBack(SELF, pending);

        verify(peers).pull(eq(SOURCE), any());
        verify(peers).completeTransfer(SOURCE, new TransferRequest(range, null, changed.cursor(), 0));
        assertThat(store.get("changed")).contains(changed);
    }

    private static RangeDigest digest(KeyRange range, Entry... entries) {
        RangeDigest.Builder digest = new RangeDigest.Builder(range, DigestRequest.ARCS);
        for (Entry entry : entries) {
            digest.add(entry);
        }
        return digest.build();
    }

    @Test
    void aKeyAClientWroteMeanwhileIsNotOverwrittenByItsTransferredCopy() {
        Entry transferred = entry("k");
        Entry written = new Entry("k", "client".getBytes(), "text/plain", new Version(1, SELF.id()));
        KeyRange range = KeyRange.of(transferred.cursor().position(), transferred.cursor().position().next());
        Pending pending = inbound.begin(range, SOURCE);
        store.put(written);
        pending.touched("k");
        when(peers.pull(eq(SOURCE), any())).thenReturn(new TransferPage(List.of(transferred), true));

        transfers.pull(SELF, pending);

        assertThat(store.get("k")).contains(written);
    }

    @Test
    void aCopyThatArrivesBehindTheRoundsIsGoneOnceTheTransferCompletes() {
        KeyRange range = KeyRange.wholeRing(RingPosition.MIN);
        outbound.beginMove(range, SELF);
        storeKeys(30);
        TransferPage first = transfers.page(new TransferRequest(range, null, null, 10));
        StoreCursor firstEnd = first.entries().getLast().cursor();
        TransferPage second = transfers.page(new TransferRequest(range, firstEnd, firstEnd, 10));
        // a node with an older view of the ring sends a copy of a new write where the rounds already deleted
        store.put(new Entry(first.entries().getFirst().key(), "newer".getBytes(), "text/plain", new Version(9, SELF.id())));
        StoreCursor secondEnd = second.entries().getLast().cursor();
        TransferPage third = transfers.page(new TransferRequest(range, secondEnd, secondEnd, 10));
        assertThat(third.last()).isTrue();

        transfers.complete(new TransferRequest(range, null, third.entries().getLast().cursor(), 0));

        assertThat(store.size()).isZero();
        assertThat(outbound.of(range)).isEmpty();
    }

    @Test
    void aSourceThatStaysAReplicaKeepsEveryCopyOnceTheTransferCompletes() {
        KeyRange range = KeyRange.wholeRing(RingPosition.MIN);
        outbound.beginCopy(range, SELF);
        storeKeys(30);
        TransferPage page = transfers.page(new TransferRequest(range, null, null, 50));
        assertThat(page.last()).isTrue();

        transfers.complete(new TransferRequest(range, null, page.entries().getLast().cursor(), 0));

        assertThat(store.size()).isEqualTo(30);
        assertThat(outbound.of(range)).isEmpty();
    }

    @Test
    void aHandoffToANodeDeclaredDeadIsRefusedAndDeletesNothing() {
        KeyRange range = KeyRange.wholeRing(RingPosition.MIN);
        outbound.beginMove(range, SELF);
        storeKeys(10);
        TransferPage page = transfers.page(new TransferRequest(range, null, null, 20));

        outbound.abandon(SELF::sameNodeAs);

        StoreCursor end = page.entries().getLast().cursor();
        assertThatThrownBy(() -> transfers.page(new TransferRequest(range, end, end, 20)))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.reason()).isEqualTo(PeerFailure.Reason.CONFLICT));
        assertThatThrownBy(() -> transfers.complete(new TransferRequest(range, null, end, 0)))
                .isInstanceOfSatisfying(Refusal.class, e -> assertThat(e.reason()).isEqualTo(PeerFailure.Reason.CONFLICT));
        assertThat(store.size()).isEqualTo(10);
    }

    @Test
    void aSourceThatNoLongerHandsTheRangeOverEndsThePullAtOnce() {
        KeyRange range = KeyRange.wholeRing(RingPosition.MIN);
        Pending pending = inbound.begin(range, SOURCE);
        PeerFailure refusal = PeerFailure.refused(SOURCE, PeerFailure.Reason.CONFLICT, "not handing over " + range);
        when(peers.pull(eq(SOURCE), any())).thenThrow(refusal);

        assertThatThrownBy(() -> transfers.pull(SELF, pending)).isSameAs(refusal);

        verify(peers, times(1)).pull(eq(SOURCE), any());
        verify(peers, never()).completeTransfer(any(), any());
    }

    private void storeKeys(int count) {
        for (int i = 0; i < count; i++) {
            store.put(entry("k" + i));
        }
    }

    private static Entry entry(String key) {
        return new Entry(key, key.getBytes(), "text/plain", VERSION);
    }
}
