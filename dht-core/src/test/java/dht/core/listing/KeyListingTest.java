package dht.core.listing;

import dht.core.KeyRange;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.ListedKey;
import dht.core.wire.RangeKeys;
import dht.core.wire.RangeKeysRequest;
import dht.core.wire.StoreCursor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyListingTest {

    private static final RingPosition WRITER = RingPosition.MIN;

    private static NodeRef node(String hex) {
        return NodeRef.of(RingPosition.parse(hex), "node-" + hex + ":7000");
    }

    private static RingPosition at(String hex) {
        return RingPosition.parse(hex);
    }

    private static ListedKey live(String key, long version) {
        return new ListedKey(key, new Version(version, WRITER), false);
    }

    private static ListedKey deleted(String key, long version) {
        return new ListedKey(key, new Version(version, WRITER), true);
    }

    @Test
    void aRingOfOnePositionIsCutAtZero() {
        assertThat(KeyListing.spans(Ring.of(node("8000000000000000")))).containsExactly(
                KeyRange.of(RingPosition.MIN, at("8000000000000000")),
                KeyRange.of(at("8000000000000000"), RingPosition.MIN));
    }

    @Test
    void aRingOfOnePositionAtZeroIsOneSpan() {
        assertThat(KeyListing.spans(Ring.of(node("0000000000000000")))).containsExactly(KeyRange.wholeRing(RingPosition.MIN));
    }

    @Test
    void aRingOfTwoNodesIsThreeSpansFromZero() {
        assertThat(KeyListing.spans(Ring.of(node("4000000000000000"), node("c000000000000000")))).containsExactly(
                KeyRange.of(RingPosition.MIN, at("4000000000000000")),
                KeyRange.of(at("4000000000000000"), at("c000000000000000")),
                KeyRange.of(at("c000000000000000"), RingPosition.MIN));
    }

    @Test
    void virtualPositionsEachGiveASpan() {
        Ring ring = Ring.empty().with(node("4000000000000000"), List.of(at("1000000000000000"), at("f000000000000000")));
        assertThat(KeyListing.spans(ring)).extracting(KeyRange::start)
                .containsExactly(RingPosition.MIN, at("1000000000000000"), at("4000000000000000"), at("f000000000000000"));
    }

    @Test
    void aKeyDeletedOnOneReplicaAndNotYetOnAnotherIsLeftOut() {
        RangeKeys deletedHere = new RangeKeys(List.of(deleted("gone", 2), live("kept", 1)), StoreCursor.of("kept"), 2, true);
        RangeKeys notYet = new RangeKeys(List.of(live("gone", 1)), StoreCursor.of("gone"), 1, true);
        assertThat(KeyListing.merge(List.of(deletedHere, notYet)).live()).extracting(ListedKey::key).containsExactly("kept");
    }

    @Test
    void aKeyWrittenAgainAfterItsDeleteIsListed() {
        RangeKeys written = new RangeKeys(List.of(live("back", 3)), StoreCursor.of("back"), 1, true);
        RangeKeys deletedThere = new RangeKeys(List.of(deleted("back", 2)), StoreCursor.of("back"), 1, true);
        assertThat(KeyListing.merge(List.of(deletedThere, written)).live()).extracting(ListedKey::key).containsExactly("back");
    }

    @Test
    void copiesPastWhereOneReplicaStoppedWaitForTheNextRead() {
        List<String> keys = sortedKeys(6);
        FakeReplica all = new FakeReplica(100);
        FakeReplica stopsEarly = new FakeReplica(2);
        keys.forEach(key -> {
            all.hold(live(key, 1));
            stopsEarly.hold(live(key, 1));
        });
        KeyRange ring = KeyRange.wholeRing(RingPosition.MIN);
        KeyListing.Merged merged = KeyListing.merge(List.of(all.read(ring, null, "", 10), stopsEarly.read(ring, null, "", 10)));
        assertThat(merged.exhausted()).isFalse();
        assertThat(merged.through()).isEqualTo(StoreCursor.of(keys.get(1)));
        assertThat(merged.live()).extracting(ListedKey::key).containsExactly(keys.get(0), keys.get(1));
    }

    @Test
    void pagesRunThroughEveryKeyOnceAndEndWithoutACursor() {
        Ring ring = Ring.of(node("4000000000000000"), node("c000000000000000"));
        FakeReplica replica = new FakeReplica(100);
        List<String> keys = sortedKeys(25);
        keys.forEach(key -> replica.hold(live(key, 1)));
        List<String> listed = new ArrayList<>();
        StoreCursor cursor = null;
        int pages = 0;
        do {
            KeyListing.Page page = KeyListing.page(ring, cursor, 4, 1000, 100,
                    (span, after, limit) -> List.of(replica.read(span, after, "", limit)));
            assertThat(page.keys()).hasSizeLessThanOrEqualTo(4);
            listed.addAll(page.keys());
            cursor = page.next();
            pages++;
        } while (cursor != null);
        assertThat(listed).containsExactlyElementsOf(keys);
        assertThat(pages).isEqualTo(7);
    }

    @Test
    void aPageStopsOnceItsBudgetIsSpentWithFewerKeysAndACursor() {
        Ring ring = Ring.of(node("0000000000000000"));
        FakeReplica replica = new FakeReplica(5);
        sortedKeys(30).forEach(key -> replica.hold(live(key, 1)));
        KeyListing.Page page = KeyListing.page(ring, null, 10, 5, 100, (span, after, limit) -> List.of(replica.read(span, after, "x", limit)));
        assertThat(page.keys()).isEmpty();
        assertThat(page.next()).isNotNull();
    }

    @Test
    void anEmptyRingListsNothing() {
        Ring ring = Ring.of(node("0000000000000000"), node("8000000000000000"));
        KeyListing.Page page = KeyListing.page(ring, null, 10, 1000, 100, (span, after, limit) -> List.of(new FakeReplica(10).read(span, after, "", limit)));
        assertThat(page.keys()).isEmpty();
        assertThat(page.next()).isNull();
    }

    @Test
    void aRequestForARangeWithACursorOutsideItIsRefused() {
        KeyRange range = KeyRange.of(at("4000000000000000"), at("8000000000000000"));
        assertThatThrownBy(() -> new RangeKeysRequest(range,
                new StoreCursor(at("9000000000000000"), "k"), "", 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPageThatReadItsMostSpansResumesAtTheStartOfTheNextSpan() {
        Ring ring = Ring.of(node("4000000000000000"), node("c000000000000000"));
        KeyListing.Page page = KeyListing.page(ring, null, 10, 1000, 1,
                (span, after, limit) -> List.of(new FakeReplica(10).read(span, after, "", limit)));
        assertThat(page.keys()).isEmpty();
        assertThat(page.next()).isEqualTo(new StoreCursor(at("4000000000000000"), ""));
    }

    /** Keys named so that their ring order is known: sorted by position. */
    private static List<String> sortedKeys(int count) {
        return IntStream.range(0, count).mapToObj(i -> "key-" + i)
                .sorted((a, b) -> StoreCursor.STORE_ORDER.compare(StoreCursor.of(a), StoreCursor.of(b)))
                .toList();
    }
}
