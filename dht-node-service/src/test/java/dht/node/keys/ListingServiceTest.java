package dht.node.keys;

import dht.core.KeyRange;
import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.Entry;
import dht.core.wire.ListedKey;
import dht.core.wire.RangeKeys;
import dht.core.wire.RangeKeysRequest;
import dht.core.wire.StoreCursor;
import dht.node.peer.Refusal;
import dht.node.storage.InMemoryKeyValueStore;
import dht.node.time.ManualScheduler;
import dht.node.transfer.InboundTransfers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A replica's side of a listing: what it answers of a range it holds. */
class ListingServiceTest {

    private static final KeyRange WHOLE_RING = KeyRange.wholeRing(RingPosition.MIN);
    private static final Version VERSION = new Version(1, RingPosition.MIN);

    private final InMemoryKeyValueStore store = new InMemoryKeyValueStore();
    private final InboundTransfers inbound = new InboundTransfers();
    private final ManualScheduler scheduler = new ManualScheduler(Instant.parse("2026-12-05T00:00:00Z"));
    private final ListingService listing = new ListingService(store, inbound, null, null, null, null, null, scheduler);

    private void store(String key, boolean tombstone) {
        store.put(tombstone ? Entry.tombstone(key, VERSION) : new Entry(key, key.getBytes(StandardCharsets.UTF_8), "text/plain", VERSION));
    }

    @Test
    void aReplicaAnswersTheKeysOfThePrefixWithTombstonesInRingOrderAndSaysItReachedTheEnd() {
        store("in/a", false);
        store("in/b", true);
        store("out/c", false);

        RangeKeys answer = listing.keysOf(new RangeKeysRequest(WHOLE_RING, null, "in/", 10));

        assertThat(answer.exhausted()).isTrue();
        assertThat(answer.examined()).isEqualTo(3);
        assertThat(answer.keys()).extracting(ListedKey::key).containsExactlyInAnyOrder("in/a", "in/b")
                .isSortedAccordingTo((a, b) -> StoreCursor.STORE_ORDER.compare(StoreCursor.of(a), StoreCursor.of(b)));
        assertThat(answer.keys()).filteredOn(ListedKey::tombstone).extracting(ListedKey::key).containsExactly("in/b");
    }

    @Test
    void aValueThatExpiredIsListedAsTheTombstoneOfItsVersion() {
        store.put(Entry.expiring("session", "token".getBytes(StandardCharsets.UTF_8), "text/plain", VERSION,
                Optional.of(scheduler.now().plusSeconds(5))));

        assertThat(listing.keysOf(new RangeKeysRequest(WHOLE_RING, null, "", 10)).keys())
                .containsExactly(new ListedKey("session", VERSION, false));
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(listing.keysOf(new RangeKeysRequest(WHOLE_RING, null, "", 10)).keys())
                .as("an older permanent copy on another replica loses to it in the merge")
                .containsExactly(new ListedKey("session", VERSION, true));
    }

    @Test
    void aReplicaStopsAtTheLimitAndResumesAfterItsLastKey() {
        List<String> keys = IntStream.range(0, 5).mapToObj(i -> "k" + i).toList();
        keys.forEach(key -> store(key, false));

        RangeKeys first = listing.keysOf(new RangeKeysRequest(WHOLE_RING, null, "", 3));
        RangeKeys rest = listing.keysOf(new RangeKeysRequest(WHOLE_RING, first.through(), "", 3));

        assertThat(first.exhausted()).isFalse();
        assertThat(first.keys()).hasSize(3);
        assertThat(first.through()).isEqualTo(first.keys().getLast().cursor());
        assertThat(rest.exhausted()).isTrue();
        assertThat(rest.keys()).hasSize(2);
        assertThat(List.of(first.keys(), rest.keys()).stream().flatMap(List::stream).map(ListedKey::key))
                .containsExactlyInAnyOrderElementsOf(keys);
    }

    @Test
    void aReplicaExaminesABoundedNumberOfEntriesAndSaysWhereItStopped() {
        IntStream.range(0, ListingService.EXAMINE_BUDGET + 5).forEach(i -> store("out/" + i, false));

        RangeKeys answer = listing.keysOf(new RangeKeysRequest(WHOLE_RING, null, "in/", 10));

        assertThat(answer.keys()).isEmpty();
        assertThat(answer.examined()).isEqualTo(ListingService.EXAMINE_BUDGET);
        assertThat(answer.exhausted()).isFalse();
        assertThat(answer.through()).isNotNull();
    }

    @Test
    void aReplicaStillReceivingPartOfTheRangeLeavesItToTheOthers() {
        store("in/a", false);
        RingPosition middle = new RingPosition(Long.MIN_VALUE);
        inbound.begin(KeyRange.of(middle, middle.next()), NodeRef.at("127.0.0.1:7001"));

        assertThatThrownBy(() -> listing.keysOf(new RangeKeysRequest(WHOLE_RING, null, "", 10))).isInstanceOf(Refusal.class);
        assertThat(listing.keysOf(new RangeKeysRequest(KeyRange.of(RingPosition.MIN, middle), null, "", 10)).exhausted()).isTrue();
    }
}
