package dht.core;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

class VersionProperties {

    @Provide
    Arbitrary<Version> versions() {
        return Combinators.combine(Arbitraries.longs(), RingArbitraries.positions()).as(Version::new);
    }

    /** Versions as a hybrid clock makes them: the timestamp is never negative. */
    @Provide
    Arbitrary<Version> clockVersions() {
        Arbitrary<Long> timestamps = Arbitraries.oneOf(
                Arbitraries.longs().between(0, Long.MAX_VALUE),
                Arbitraries.longs().between(0, 3));
        return Combinators.combine(timestamps, RingArbitraries.positions()).as(Version::new);
    }

    @Property
    void parseRoundTripsToString(@ForAll("versions") Version version) {
        assertThat(Version.parse(version.toString())).isEqualTo(version);
    }

    @Property
    void textIsTwoSixteenDigitLowercaseHexNumbersJoinedByADash(@ForAll("versions") Version version) {
        assertThat(version.toString()).matches("[0-9a-f]{16}-[0-9a-f]{16}");
    }

    @Property
    void orderIsConsistentWithEquals(@ForAll("versions") Version a, @ForAll("versions") Version b) {
        assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
    }

    @Property
    void newerMeansGreaterTimestampOrSameTimestampAndGreaterWriter(@ForAll("clockVersions") Version a,
                                                                   @ForAll("clockVersions") Version b) {
        boolean expected = a.timestamp() > b.timestamp()
                || (a.timestamp() == b.timestamp() && a.writer().compareTo(b.writer()) > 0);

        assertThat(a.isNewerThan(b)).isEqualTo(expected);
    }
}
