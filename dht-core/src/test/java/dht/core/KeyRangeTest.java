package dht.core;

import dht.core.KeyRange.Segment;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyRangeTest {

    private static RingPosition p(long value) {
        return new RingPosition(value);
    }

    private static RingPosition hex(String hex) {
        return RingPosition.parse(hex);
    }

    private static KeyRange range(long start, long end) {
        return KeyRange.of(p(start), p(end));
    }

    @Test
    void containsItsStartButNotItsEnd() {
        KeyRange range = range(0x10, 0x20);

        assertThat(range.contains(p(0x10))).isTrue();
        assertThat(range.contains(p(0x1f))).isTrue();
        assertThat(range.contains(p(0x20))).isFalse();
        assertThat(range.contains(p(0x0f))).isFalse();
    }

    @Test
    void containsNothingOutsideANonWrappingRange() {
        KeyRange range = range(0x10, 0x20);

        assertThat(range.contains(RingPosition.MIN)).isFalse();
        assertThat(range.contains(RingPosition.MAX)).isFalse();
        assertThat(range.contains(p(Long.MIN_VALUE))).isFalse();
    }

    @Test
    void wrappingRangeContainsPositionsOnBothSidesOfZero() {
        KeyRange range = KeyRange.of(hex("fffffffffffffff0"), p(0x10));

        assertThat(range.contains(hex("fffffffffffffff0"))).isTrue();
        assertThat(range.contains(RingPosition.MAX)).isTrue();
        assertThat(range.contains(RingPosition.MIN)).isTrue();
        assertThat(range.contains(p(0x0f))).isTrue();
    }

    @Test
    void wrappingRangeExcludesTheGapBetweenItsEndAndStart() {
        KeyRange range = KeyRange.of(hex("fffffffffffffff0"), p(0x10));

        assertThat(range.contains(p(0x10))).isFalse();
        assertThat(range.contains(hex("8000000000000000"))).isFalse();
        assertThat(range.contains(hex("7fffffffffffffff"))).isFalse();
        assertThat(range.contains(hex("ffffffffffffffef"))).isFalse();
    }

    @Test
    void rangeAcrossTheSignedBoundaryIsNotConfusedBySignedArithmetic() {
        KeyRange range = KeyRange.of(hex("7ffffffffffffff0"), hex("8000000000000010"));

        assertThat(range.contains(hex("7fffffffffffffff"))).isTrue();
        assertThat(range.contains(hex("8000000000000000"))).isTrue();
        assertThat(range.contains(RingPosition.MIN)).isFalse();
        assertThat(range.contains(RingPosition.MAX)).isFalse();
    }

    @Test
    void rangeEndingAtZeroRunsToTheTopOfTheRing() {
        KeyRange range = KeyRange.of(hex("f000000000000000"), RingPosition.MIN);

        assertThat(range.contains(RingPosition.MAX)).isTrue();
        assertThat(range.contains(hex("f000000000000000"))).isTrue();
        assertThat(range.contains(RingPosition.MIN)).isFalse();
    }

    @Test
    void rangeFromTheTopToZeroHoldsOnlyTheTop() {
        KeyRange range = KeyRange.of(RingPosition.MAX, RingPosition.MIN);

        assertThat(range.contains(RingPosition.MAX)).isTrue();
        assertThat(range.contains(RingPosition.MIN)).isFalse();
        assertThat(range.contains(hex("fffffffffffffffe"))).isFalse();
    }

    @Test
    void rangeWhoseEndsMeetIsTheWholeRing() {
        KeyRange range = range(0x1234, 0x1234);

        assertThat(range.isWholeRing()).isTrue();
        assertThat(range).isEqualTo(KeyRange.wholeRing(p(0x1234)));
    }

    @Test
    void wholeRingContainsEveryPosition() {
        for (RingPosition start : new RingPosition[]{RingPosition.MIN, p(0x1234), RingPosition.MAX}) {
            KeyRange whole = KeyRange.wholeRing(start);

            assertThat(whole.contains(start)).isTrue();
            assertThat(whole.contains(start.previous())).isTrue();
            assertThat(whole.contains(start.next())).isTrue();
            assertThat(whole.contains(RingPosition.MIN)).isTrue();
            assertThat(whole.contains(RingPosition.MAX)).isTrue();
            assertThat(whole.contains(p(Long.MIN_VALUE))).isTrue();
        }
    }

    @Test
    void rangeWithDistinctEndsIsNotTheWholeRing() {
        assertThat(range(0, -1).isWholeRing()).isFalse();
        assertThat(range(-1, 0).isWholeRing()).isFalse();
    }

    @Test
    void segmentOfANonWrappingRangeIsItsStartToTheLastPositionBeforeItsEnd() {
        assertThat(range(0x10, 0x20).segments()).containsExactly(new Segment(p(0x10), p(0x1f)));
    }

    @Test
    void segmentOfARangeOfOnePositionIsThatPosition() {
        assertThat(range(0, 1).segments()).containsExactly(new Segment(p(0), p(0)));
    }

    @Test
    void wrappingRangeSplitsIntoTheTopOfTheRingThenTheBottom() {
        KeyRange range = KeyRange.of(hex("fffffffffffffff0"), p(0x10));

        assertThat(range.segments()).containsExactly(
                new Segment(hex("fffffffffffffff0"), RingPosition.MAX),
                new Segment(RingPosition.MIN, p(0x0f)));
    }

    @Test
    void wholeRingStartingAtZeroIsOneSegment() {
        assertThat(KeyRange.wholeRing(RingPosition.MIN).segments())
                .containsExactly(new Segment(RingPosition.MIN, RingPosition.MAX));
    }

    @Test
    void wholeRingStartingElsewhereIsTwoSegmentsFromItsStart() {
        assertThat(KeyRange.wholeRing(p(0x1234)).segments()).containsExactly(
                new Segment(p(0x1234), RingPosition.MAX),
                new Segment(RingPosition.MIN, p(0x1233)));
    }

    @Test
    void wholeRingStartingAtTheTopIsTheTopThenEverythingElse() {
        assertThat(KeyRange.wholeRing(RingPosition.MAX).segments()).containsExactly(
                new Segment(RingPosition.MAX, RingPosition.MAX),
                new Segment(RingPosition.MIN, hex("fffffffffffffffe")));
    }

    @Test
    void rangeEndingAtZeroIsOneSegmentToTheTop() {
        assertThat(KeyRange.of(hex("f000000000000000"), RingPosition.MIN).segments())
                .containsExactly(new Segment(hex("f000000000000000"), RingPosition.MAX));
    }

    @Test
    void rangeEndingAtOneIsTwoSegmentsTheSecondBeingZeroAlone() {
        assertThat(KeyRange.of(hex("f000000000000000"), p(1)).segments()).containsExactly(
                new Segment(hex("f000000000000000"), RingPosition.MAX),
                new Segment(RingPosition.MIN, RingPosition.MIN));
    }

    @Test
    void wholeRingEnclosesEveryRange() {
        KeyRange whole = KeyRange.wholeRing(p(0x50));

        assertThat(whole.encloses(range(0x10, 0x20))).isTrue();
        assertThat(whole.encloses(range(-16, 16))).isTrue();
        assertThat(whole.encloses(KeyRange.wholeRing(p(7)))).isTrue();
    }

    @Test
    void rangeShortOfTheWholeRingDoesNotEncloseTheWholeRing() {
        assertThat(range(0, -1).encloses(KeyRange.wholeRing(RingPosition.MIN))).isFalse();
    }

    @Test
    void rangeEnclosesItself() {
        assertThat(range(0x10, 0x20).encloses(range(0x10, 0x20))).isTrue();
        assertThat(range(-16, 16).encloses(range(-16, 16))).isTrue();
    }

    @Test
    void rangeEnclosesASubRange() {
        assertThat(range(0x10, 0x20).encloses(range(0x12, 0x18))).isTrue();
        assertThat(range(0x10, 0x20).encloses(range(0x10, 0x11))).isTrue();
        assertThat(range(0x10, 0x20).encloses(range(0x1f, 0x20))).isTrue();
    }

    @Test
    void wrappingRangeEnclosesASubRangeAcrossZero() {
        KeyRange range = range(-16, 16);

        assertThat(range.encloses(range(-2, 2))).isTrue();
        assertThat(range.encloses(range(-16, 0))).isTrue();
        assertThat(range.encloses(range(0, 16))).isTrue();
    }

    @Test
    void rangeDoesNotEncloseARangeThatRunsPastItsEnd() {
        assertThat(range(0x10, 0x20).encloses(range(0x18, 0x21))).isFalse();
    }

    @Test
    void rangeDoesNotEncloseARangeThatStartsBeforeIt() {
        assertThat(range(0x10, 0x20).encloses(range(0x0f, 0x18))).isFalse();
    }

    @Test
    void rangeDoesNotEncloseADisjointRange() {
        assertThat(range(0x10, 0x20).encloses(range(0x20, 0x30))).isFalse();
        assertThat(range(0x10, 0x20).encloses(range(-16, 16))).isFalse();
    }

    @Test
    void rangeDoesNotEncloseItsComplementWrappingRoundToItsStart() {
        // starts inside, but wraps all the way round past the start again
        assertThat(range(0x10, 0x20).encloses(range(0x18, 0x12))).isFalse();
    }

    @Test
    void writesAsHalfOpenInterval() {
        assertThat(range(0x10, 0x20)).hasToString("[0000000000000010, 0000000000000020)");
    }

    @Test
    void refusesMissingEnds() {
        assertThatThrownBy(() -> KeyRange.of(null, RingPosition.MIN)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> KeyRange.of(RingPosition.MIN, null)).isInstanceOf(NullPointerException.class);
    }
}
