package dht.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VersionTest {

    private static RingPosition hex(String hex) {
        return RingPosition.parse(hex);
    }

    @Test
    void laterTimestampWinsWhateverTheWriter() {
        Version earlier = new Version(1, RingPosition.MAX);
        Version later = new Version(2, RingPosition.MIN);

        assertThat(later).isGreaterThan(earlier);
        assertThat(later.isNewerThan(earlier)).isTrue();
        assertThat(earlier.isNewerThan(later)).isFalse();
    }

    @Test
    void equalTimestampsAreOrderedByWriter() {
        Version low = new Version(5, hex("0000000000000001"));
        Version high = new Version(5, hex("0000000000000002"));

        assertThat(high).isGreaterThan(low);
        assertThat(high.isNewerThan(low)).isTrue();
    }

    @Test
    void writersAreComparedUnsigned() {
        Version belowHalf = new Version(5, hex("7fffffffffffffff"));
        Version aboveHalf = new Version(5, hex("8000000000000000"));

        assertThat(aboveHalf).isGreaterThan(belowHalf);
    }

    @Test
    void versionIsNotNewerThanItself() {
        Version version = new Version(5, hex("00000000000000ab"));

        assertThat(version.isNewerThan(new Version(5, hex("00000000000000ab")))).isFalse();
        assertThat(version.compareTo(new Version(5, hex("00000000000000ab")))).isZero();
    }

    @Test
    void sortingOrdersByTimestampThenWriter() {
        Version a = new Version(1, RingPosition.MAX);
        Version b = new Version(2, RingPosition.MIN);
        Version c = new Version(2, RingPosition.MAX);
        Version d = new Version(3, RingPosition.MIN);
        List<Version> versions = new ArrayList<>(List.of(d, c, a, b));

        versions.sort(null);

        assertThat(versions).containsExactly(a, b, c, d);
    }

    @Test
    void writesAsTimestampDashWriterInSixteenLowercaseHexDigitsEach() {
        Version version = new Version(0x1aL, hex("00c3f22a00000000"));

        assertThat(version).hasToString("000000000000001a-00c3f22a00000000");
        assertThat(new Version(0xABCDEF0123456789L, RingPosition.MAX))
                .hasToString("abcdef0123456789-ffffffffffffffff");
    }

    @Test
    void parseReadsWhatToStringWrites() {
        for (Version version : List.of(
                new Version(0, RingPosition.MIN),
                new Version(1_718_000_000_000L << 16 | 3, hex("00c3f22a00000000")),
                new Version(Long.MAX_VALUE, RingPosition.MAX),
                new Version(-1L, new RingPosition(Long.MIN_VALUE)))) {
            assertThat(Version.parse(version.toString())).isEqualTo(version);
        }
    }

    @Test
    void parseReadsTheGivenFields() {
        Version version = Version.parse("000000000000001a-00c3f22a00000000");

        assertThat(version.timestamp()).isEqualTo(0x1a);
        assertThat(version.writer()).isEqualTo(hex("00c3f22a00000000"));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "garbage",
            "000000000000001a00c3f22a00000000",     // no dash
            "000000000000001a-00c3f22a0000000",     // writer one digit short
            "000000000000001a-00c3f22a000000000",   // writer one digit long
            "00000000000001a-00c3f22a000000000",    // dash one place early
            "0000000000000001a-00c3f22a0000000",    // dash one place late
            "000000000000001a_00c3f22a00000000",
            "00000000000000zz-00c3f22a00000000",
            "000000000000001a-00c3f22a0000000g",
            "000000000000001a-00c3f22a-0000000",
            "-000000000000001a00c3f22a00000000",
            "000000000000001a-",
            " 00000000000001a-00c3f22a00000000",
            "W/\"000000000000001a-00c3f22a00000000\"",
    })
    void parseRejectsAnythingButTwoSixteenDigitHexNumbersJoinedByADash(String text) {
        assertThatThrownBy(() -> Version.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAMissingWriter() {
        assertThatThrownBy(() -> new Version(1, null)).isInstanceOf(NullPointerException.class);
    }
}
