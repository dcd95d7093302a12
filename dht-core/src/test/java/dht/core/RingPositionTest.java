package dht.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RingPositionTest {

    /** The first 8 bytes of SHA-256, folded big-endian by hand, independent of the code under test. */
    private static long firstEightBytesOfSha256(byte[] bytes) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (digest[i] & 0xff);
        }
        return value;
    }

    @Test
    void positionOfHelloIsTheFirstEightBytesOfItsSha256BigEndian() throws Exception {
        long expected = firstEightBytesOfSha256("hello".getBytes(StandardCharsets.UTF_8));

        assertThat(RingPosition.ofKey("hello").value()).isEqualTo(expected);
        // sha256("hello") = 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824
        assertThat(RingPosition.ofKey("hello")).hasToString("2cf24dba5fb0a30e");
    }

    @Test
    void positionWhoseFirstByteHasTheTopBitSetIsReadUnsigned() throws Exception {
        // sha256("a") = ca978112ca1bbdca...: negative as a signed long, large as a ring position
        RingPosition a = RingPosition.ofKey("a");

        assertThat(a.value()).isEqualTo(firstEightBytesOfSha256(new byte[]{'a'}));
        assertThat(a).hasToString("ca978112ca1bbdca");
        assertThat(a).isGreaterThan(RingPosition.ofKey("hello"));
    }

    @Test
    void keyPositionHashesTheUtf8BytesOfTheKey() throws Exception {
        String key = "é/ключ/🔑";

        assertThat(RingPosition.ofKey(key).value())
                .isEqualTo(firstEightBytesOfSha256(key.getBytes(StandardCharsets.UTF_8)));
        // sha256 of the two UTF-8 bytes c3 a9 of "é"
        assertThat(RingPosition.ofKey("é")).hasToString("4a99557e4033c353");
    }

    @Test
    void nodeIdIsThePositionOfItsAdvertisedAddress() throws Exception {
        assertThat(RingPosition.ofAddress("localhost:7001")).hasToString("32702c49b015dfa5");
        assertThat(NodeRef.at("localhost:7001"))
                .isEqualTo(NodeRef.of(RingPosition.parse("32702c49b015dfa5"), "localhost:7001"));
    }

    @Test
    void positionOfRawBytesHashesThoseBytes() throws Exception {
        byte[] bytes = {0, (byte) 0xff, 0x7f, (byte) 0x80};

        assertThat(RingPosition.of(bytes).value()).isEqualTo(firstEightBytesOfSha256(bytes));
    }

    @Test
    void keysHashedOnManyThreadsAtOnceGetTheirOwnPositions() throws Exception {
        // every hash starts from one shared digest; a hash that changed it would corrupt the others
        List<String> keys = IntStream.range(0, 2_000).mapToObj(i -> "key-" + i).toList();
        List<Callable<Boolean>> hashers = IntStream.range(0, 8).<Callable<Boolean>>mapToObj(thread -> () -> {
            for (String key : keys) {
                if (RingPosition.ofKey(key).value() != firstEightBytesOfSha256(key.getBytes(StandardCharsets.UTF_8))) {
                    return false;
                }
            }
            return true;
        }).toList();

        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            for (Future<Boolean> hasher : threads.invokeAll(hashers)) {
                assertThat(hasher.get()).isTrue();
            }
        }
    }

    @Test
    void hexIsSixteenLowercaseZeroPaddedDigits() {
        assertThat(new RingPosition(0x00c3f22a00000000L)).hasToString("00c3f22a00000000");
        assertThat(new RingPosition(0xABCDEF0123456789L)).hasToString("abcdef0123456789");
        assertThat(new RingPosition(1)).hasToString("0000000000000001");
        assertThat(RingPosition.MIN).hasToString("0000000000000000");
        assertThat(RingPosition.MAX).hasToString("ffffffffffffffff");
    }

    @Test
    void parseReadsSixteenHexDigits() {
        assertThat(RingPosition.parse("00c3f22a00000000")).isEqualTo(new RingPosition(0x00c3f22a00000000L));
        assertThat(RingPosition.parse("ffffffffffffffff")).isEqualTo(RingPosition.MAX);
        assertThat(RingPosition.parse("8000000000000000")).isEqualTo(new RingPosition(Long.MIN_VALUE));
    }

    @Test
    void parseRoundTripsTheHexOfAnyPosition() {
        Random random = new Random(20240611L);
        List<RingPosition> samples = new ArrayList<>(List.of(RingPosition.MIN, RingPosition.MAX,
                new RingPosition(Long.MAX_VALUE), new RingPosition(Long.MIN_VALUE)));
        for (int i = 0; i < 1000; i++) {
            samples.add(new RingPosition(random.nextLong()));
        }

        for (RingPosition position : samples) {
            assertThat(RingPosition.parse(position.toString())).isEqualTo(position);
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "0",
            "000000000000000",     // 15 digits
            "00000000000000000",   // 17 digits
            "000000000000000g",
            "zzzzzzzzzzzzzzzz",
            "0x00000000000000",
            "+000000000000000",
            "-000000000000001",
            " 000000000000000",
            "000000000000000 ",
            "00000000-0000000",
    })
    void parseRejectsAnythingButSixteenHexDigits(String text) {
        assertThatThrownBy(() -> RingPosition.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parseRejectionNamesTheOffendingTextAbbreviated() {
        String longText = "x".repeat(100);

        assertThatThrownBy(() -> RingPosition.parse(longText))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("x".repeat(40) + "...")
                .hasMessageNotContaining("x".repeat(41));
    }

    @Test
    void comparesUnsigned() {
        RingPosition max = RingPosition.MAX;
        RingPosition signedMax = new RingPosition(0x7fffffffffffffffL);
        RingPosition signedMin = new RingPosition(0x8000000000000000L);
        RingPosition zero = RingPosition.MIN;

        assertThat(max).isGreaterThan(signedMin);
        assertThat(signedMin).isGreaterThan(signedMax);
        assertThat(signedMax).isGreaterThan(zero);
        assertThat(zero).isLessThan(max);
        assertThat(max.compareTo(new RingPosition(-1L))).isZero();
    }

    @Test
    void sortingFollowsUnsignedOrder() {
        List<RingPosition> positions = new ArrayList<>(List.of(RingPosition.MAX, new RingPosition(5),
                new RingPosition(Long.MIN_VALUE), RingPosition.MIN, new RingPosition(Long.MAX_VALUE)));

        positions.sort(null);

        assertThat(positions).containsExactly(RingPosition.MIN, new RingPosition(5),
                new RingPosition(Long.MAX_VALUE), new RingPosition(Long.MIN_VALUE), RingPosition.MAX);
    }

    @Test
    void distanceToALaterPositionIsTheirDifference() {
        assertThat(new RingPosition(10).distanceTo(new RingPosition(25))).isEqualTo(15);
        assertThat(new RingPosition(42).distanceTo(new RingPosition(42))).isZero();
    }

    @Test
    void distanceWrapsPastTheTopOfTheRing() {
        assertThat(RingPosition.MAX.distanceTo(RingPosition.MIN)).isEqualTo(1);
        assertThat(RingPosition.parse("fffffffffffffff0").distanceTo(new RingPosition(0x10))).isEqualTo(0x20);
        // from 5 back to 3 is all the way round: 2^64 - 2
        assertThat(Long.toUnsignedString(new RingPosition(5).distanceTo(new RingPosition(3))))
                .isEqualTo("18446744073709551614");
    }

    @Test
    void nextAndPreviousWrapAroundTheRing() {
        assertThat(RingPosition.MAX.next()).isEqualTo(RingPosition.MIN);
        assertThat(RingPosition.MIN.previous()).isEqualTo(RingPosition.MAX);
        assertThat(new RingPosition(Long.MAX_VALUE).next()).isEqualTo(new RingPosition(Long.MIN_VALUE));
    }

    @Test
    void toBytesIsBigEndian() {
        assertThat(RingPosition.parse("0102030405060708").toBytes())
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(RingPosition.MAX.toBytes()).containsExactly(-1, -1, -1, -1, -1, -1, -1, -1);
    }
}
