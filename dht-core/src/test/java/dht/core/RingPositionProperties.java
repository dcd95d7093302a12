package dht.core;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class RingPositionProperties {

    private static final BigInteger TWO_TO_THE_64 = BigInteger.ONE.shiftLeft(64);

    @Provide
    Arbitrary<RingPosition> positions() {
        return RingArbitraries.positions();
    }

    private static BigInteger unsigned(long value) {
        return new BigInteger(Long.toUnsignedString(value));
    }

    @Property
    void keyPositionIsTheUnsignedBigEndianPrefixOfSha256(@ForAll String key) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        BigInteger expected = new BigInteger(1, Arrays.copyOf(digest, 8));

        assertThat(unsigned(RingPosition.ofKey(key).value())).isEqualTo(expected);
    }

    @Property
    void hexRoundTrips(@ForAll("positions") RingPosition position) {
        assertThat(RingPosition.parse(position.toString())).isEqualTo(position);
    }

    @Property
    void hexIsSixteenLowercaseDigitsOfTheUnsignedValue(@ForAll("positions") RingPosition position) {
        String hex = position.toString();

        assertThat(hex).matches("[0-9a-f]{16}");
        assertThat(new BigInteger(hex, 16)).isEqualTo(unsigned(position.value()));
    }

    @Property
    void orderIsTheOrderOfUnsignedValues(@ForAll("positions") RingPosition a, @ForAll("positions") RingPosition b) {
        assertThat(Integer.signum(a.compareTo(b)))
                .isEqualTo(unsigned(a.value()).compareTo(unsigned(b.value())));
    }

    @Property
    void orderIsTheByteWiseOrderOfTheBigEndianBytes(@ForAll("positions") RingPosition a,
                                                     @ForAll("positions") RingPosition b) {
        assertThat(Integer.signum(a.compareTo(b)))
                .isEqualTo(Integer.signum(Arrays.compareUnsigned(a.toBytes(), b.toBytes())));
    }

    @Property
    void distanceIsTheClockwiseDifferenceModuloTwoToThe64(@ForAll("positions") RingPosition a,
                                                           @ForAll("positions") RingPosition b) {
        BigInteger expected = unsigned(b.value()).subtract(unsigned(a.value())).mod(TWO_TO_THE_64);

        assertThat(unsigned(a.distanceTo(b))).isEqualTo(expected);
    }

    @Property
    void goingThereAndBackIsOnceRoundTheRing(@ForAll("positions") RingPosition a,
                                             @ForAll("positions") RingPosition b) {
        assertThat(a.distanceTo(b) + b.distanceTo(a)).isZero();
    }

    @Property
    void nextIsOneStepClockwise(@ForAll("positions") RingPosition a) {
        assertThat(a.distanceTo(a.next())).isEqualTo(1);
        assertThat(a.next().previous()).isEqualTo(a);
    }
}
