package dht.core.wire;

import dht.core.KeyRange;
import dht.core.RingPosition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class StoreCursorTest {

    private static RingPosition hex(String hex) {
        return RingPosition.parse(hex);
    }

    private static StoreCursor at(String hexPosition, String key) {
        return new StoreCursor(hex(hexPosition), key);
    }

    private static List<StoreCursor> shuffled(List<StoreCursor> cursors, long seed) {
        List<StoreCursor> copy = new ArrayList<>(cursors);
        Collections.shuffle(copy, new Random(seed));
        return copy;
    }

    @Test
    void sortsClockwiseFromTheStartOfANonWrappingRange() {
        KeyRange range = KeyRange.of(hex("4000000000000000"), hex("c000000000000000"));
        List<StoreCursor> expected = List.of(
                at("4000000000000000", "a"),
                at("4000000000000001", "b"),
                at("7fffffffffffffff", "c"),
                at("8000000000000000", "d"),
                at("bfffffffffffffff", "e"));

        List<StoreCursor> sorted = shuffled(expected, 1L);
        sorted.sort(StoreCursor.orderWithin(range));

        assertThat(sorted).containsExactlyElementsOf(expected);
    }

    @Test
    void sortsPositionsPastZeroAfterThoseBeforeItInAWrappingRange() {
        KeyRange range = KeyRange.of(hex("f000000000000000"), hex("1000000000000000"));
        List<StoreCursor> expected = List.of(
                at("f000000000000000", "a"),
                at("f100000000000000", "b"),
                at("ffffffffffffffff", "c"),
                at("0000000000000000", "d"),
                at("0000000000000001", "e"),
                at("0fffffffffffffff", "f"));

        List<StoreCursor> sorted = shuffled(expected, 2L);
        sorted.sort(StoreCursor.orderWithin(range));

        assertThat(sorted).containsExactlyElementsOf(expected);
    }

    @Test
    void sortsTheWholeRingClockwiseFromItsStart() {
        KeyRange range = KeyRange.wholeRing(hex("8000000000000000"));
        List<StoreCursor> expected = List.of(
                at("8000000000000000", "a"),
                at("ffffffffffffffff", "b"),
                at("0000000000000000", "c"),
                at("7fffffffffffffff", "d"));

        List<StoreCursor> sorted = shuffled(expected, 3L);
        sorted.sort(StoreCursor.orderWithin(range));

        assertThat(sorted).containsExactlyElementsOf(expected);
    }

    @Test
    void wholeRingFromZeroSortsInPlainUnsignedOrder() {
        KeyRange range = KeyRange.wholeRing(RingPosition.MIN);
        List<StoreCursor> cursors = new ArrayList<>();
        Random random = new Random(4L);
        for (int i = 0; i < 200; i++) {
            cursors.add(StoreCursor.of("key-" + random.nextInt(1_000_000)));
        }

        cursors.sort(StoreCursor.orderWithin(range));

        assertThat(cursors).isSortedAccordingTo((a, b) -> a.position().compareTo(b.position()));
    }

    @Test
    void tiesInPositionAreBrokenByKey() {
        KeyRange range = KeyRange.of(hex("1000000000000000"), hex("2000000000000000"));
        List<StoreCursor> expected = List.of(
                at("1800000000000000", "apple"),
                at("1800000000000000", "banana"),
                at("1800000000000000", "cherry"),
                at("1900000000000000", "aardvark"));

        List<StoreCursor> sorted = shuffled(expected, 5L);
        sorted.sort(StoreCursor.orderWithin(range));

        assertThat(sorted).containsExactlyElementsOf(expected);
    }

    @Test
    void cursorsAtTheSamePlaceCompareEqual() {
        KeyRange range = KeyRange.of(hex("1000000000000000"), hex("2000000000000000"));

        assertThat(StoreCursor.orderWithin(range).compare(at("1800000000000000", "k"), at("1800000000000000", "k")))
                .isZero();
    }

    @Test
    void cursorOfAKeyIsAtTheKeysPosition() {
        assertThat(StoreCursor.of("hello")).isEqualTo(new StoreCursor(RingPosition.ofKey("hello"), "hello"));
    }
}
