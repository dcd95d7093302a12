package dht.core;

import dht.core.KeyRange.Segment;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.constraints.IntRange;

import java.math.BigInteger;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KeyRangeProperties {

    private static final BigInteger TWO_TO_THE_64 = BigInteger.ONE.shiftLeft(64);

    @Provide
    Arbitrary<KeyRange> ranges() {
        return RingArbitraries.ranges();
    }

    @Provide
    Arbitrary<Tuple2<KeyRange, RingPosition>> rangesWithProbes() {
        return RingArbitraries.rangesWithProbes();
    }

    private static BigInteger unsigned(RingPosition position) {
        return new BigInteger(Long.toUnsignedString(position.value()));
    }

    private static boolean inSegment(Segment segment, RingPosition position) {
        return segment.first().compareTo(position) <= 0 && position.compareTo(segment.last()) <= 0;
    }

    private static BigInteger size(KeyRange range) {
        return range.isWholeRing()
                ? TWO_TO_THE_64
                : unsigned(range.end()).subtract(unsigned(range.start())).mod(TWO_TO_THE_64);
    }

    @Property
    void positionIsInTheRangeIffItLiesInOneOfItsSegments(@ForAll("rangesWithProbes") Tuple2<KeyRange, RingPosition> probe) {
        KeyRange range = probe.get1();
        RingPosition position = probe.get2();

        boolean inASegment = range.segments().stream().anyMatch(segment -> inSegment(segment, position));

        assertThat(range.contains(position)).isEqualTo(inASegment);
    }

    @Property
    void positionIsInTheRangeIffItIsLessThanTheRangeLengthClockwiseFromTheStart(
            @ForAll("rangesWithProbes") Tuple2<KeyRange, RingPosition> probe) {
        KeyRange range = probe.get1();
        RingPosition position = probe.get2();
        BigInteger offset = unsigned(position).subtract(unsigned(range.start())).mod(TWO_TO_THE_64);

        assertThat(range.contains(position)).isEqualTo(offset.compareTo(size(range)) < 0);
    }

    @Property
    void segmentsNeverWrap(@ForAll("ranges") KeyRange range) {
        for (Segment segment : range.segments()) {
            assertThat(segment.first()).isLessThanOrEqualTo(segment.last());
        }
    }

    @Property
    void segmentsAreOneOrTwo(@ForAll("ranges") KeyRange range) {
        assertThat(range.segments()).hasSizeBetween(1, 2);
    }

    @Property
    void segmentsRunClockwiseFromTheStart(@ForAll("ranges") KeyRange range) {
        List<Segment> segments = range.segments();

        assertThat(segments.getFirst().first()).isEqualTo(range.start());
        if (segments.size() == 2) {
            assertThat(segments.get(0).last()).isEqualTo(RingPosition.MAX);
            assertThat(segments.get(1).first()).isEqualTo(RingPosition.MIN);
        }
    }

    @Property
    void segmentsEndJustBeforeTheRangeEnd(@ForAll("ranges") KeyRange range) {
        assertThat(range.segments().getLast().last()).isEqualTo(range.end().previous());
    }

    @Property
    void segmentSizesAddUpToTheRangeSize(@ForAll("ranges") KeyRange range) {
        BigInteger total = range.segments().stream()
                .map(segment -> unsigned(segment.last()).subtract(unsigned(segment.first())).add(BigInteger.ONE))
                .reduce(BigInteger.ZERO, BigInteger::add);

        assertThat(total).isEqualTo(size(range));
    }

    @Property
    void enclosesIffEverySegmentOfTheOtherLiesInASegmentOfThis(@ForAll("ranges") KeyRange range,
                                                              @ForAll("ranges") KeyRange other) {
        // Segments never wrap and, short of the whole ring, a range's two segments have a gap
        // between them, so containment of sets reduces to containment of intervals.
        boolean expected = range.isWholeRing() || other.segments().stream().allMatch(part ->
                range.segments().stream().anyMatch(segment ->
                        segment.first().compareTo(part.first()) <= 0 && part.last().compareTo(segment.last()) <= 0));

        assertThat(range.encloses(other)).isEqualTo(expected);
    }

    @Property
    void enclosedRangeHasBothItsEndsInside(@ForAll("ranges") KeyRange range, @ForAll("ranges") KeyRange other) {
        if (range.encloses(other)) {
            assertThat(range.contains(other.start())).isTrue();
            assertThat(range.contains(other.end().previous())).isTrue();
        }
    }

    @Property
    void everyRangeEnclosesItself(@ForAll("ranges") KeyRange range) {
        assertThat(range.encloses(range)).isTrue();
    }

    @Property
    void splittingARangeGivesTwoRangesItEncloses(@ForAll("rangesWithProbes") Tuple2<KeyRange, RingPosition> probe) {
        KeyRange range = probe.get1();
        RingPosition cut = probe.get2();
        if (!range.contains(cut) || cut.equals(range.start())) {
            return;
        }
        KeyRange head = KeyRange.of(range.start(), cut);
        KeyRange tail = KeyRange.of(cut, range.end());

        assertThat(range.encloses(head)).isTrue();
        assertThat(range.encloses(tail)).isTrue();
        assertThat(size(head).add(size(tail))).isEqualTo(size(range));
    }

    @Property
    void theArcsOfASplitFollowEachOtherAndCoverTheRangeExactly(@ForAll("ranges") KeyRange range, @ForAll @IntRange(min = 1, max = 1100) int parts) {
        List<KeyRange> arcs = range.split(parts);

        assertThat(arcs).isNotEmpty().hasSizeLessThanOrEqualTo(parts);
        assertThat(arcs.getFirst().start()).isEqualTo(range.start());
        assertThat(arcs.getLast().end()).isEqualTo(range.end());
        for (int i = 1; i < arcs.size(); i++) {
            assertThat(arcs.get(i).start()).isEqualTo(arcs.get(i - 1).end());
        }
        BigInteger total = arcs.stream().map(KeyRangeProperties::size).reduce(BigInteger.ZERO, BigInteger::add);
        assertThat(total).isEqualTo(size(range));
        if (arcs.size() > 1) {
            assertThat(arcs).noneMatch(KeyRange::isWholeRing);
        }
    }

    @Property
    void aPositionsPartIsTheArcThatHoldsIt(@ForAll("rangesWithProbes") Tuple2<KeyRange, RingPosition> probe,
                                            @ForAll @IntRange(min = 1, max = 1100) int parts) {
        KeyRange range = probe.get1();
        RingPosition position = probe.get2();
        Assume.that(range.contains(position));

        List<KeyRange> arcs = range.split(parts);
        int part = range.partOf(position, parts);

        assertThat(arcs.get(part).contains(position)).isTrue();
        for (int i = 0; i < arcs.size(); i++) {
            if (i != part) {
                assertThat(arcs.get(i).contains(position)).as("arc %d of %s", i, arcs).isFalse();
            }
        }
    }

    @Property
    void rangesOverlapIffOneHoldsTheOthersStart(@ForAll("rangesWithProbes") Tuple2<KeyRange, RingPosition> probe,
                                                @ForAll("ranges") KeyRange other) {
        KeyRange range = probe.get1();
        RingPosition position = probe.get2();
        assertThat(range.overlaps(other)).isEqualTo(other.overlaps(range));
        if (range.contains(position) && other.contains(position)) {
            assertThat(range.overlaps(other)).as("%s and %s both hold %s", range, other, position).isTrue();
        }
        if (range.encloses(other) || other.encloses(range)) {
            assertThat(range.overlaps(other)).isTrue();
        }
    }
}
