package dht.core;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class HybridClockTest {

    private static final long NOW_MILLIS = 1_718_000_000_000L;

    private final AtomicLong wall = new AtomicLong(NOW_MILLIS);
    private final HybridClock clock = new HybridClock(wall::get);

    @Test
    void readingCarriesTheWallClockMillisInItsUpper48Bits() {
        long reading = clock.now();

        assertThat(reading >>> 16).isEqualTo(NOW_MILLIS);
        assertThat(reading & 0xffff).isZero();
    }

    @Test
    void readingsStrictlyIncreaseWhileTheWallClockStandsStill() {
        long previous = clock.now();
        for (int i = 0; i < 10_000; i++) {
            long reading = clock.now();
            assertThat(reading).isGreaterThan(previous);
            previous = reading;
        }
    }

    @Test
    void readingsStrictlyIncreaseWhenTheWallClockGoesBackwards() {
        long before = clock.now();
        wall.set(NOW_MILLIS - 60_000);

        long after = clock.now();

        assertThat(after).isGreaterThan(before);
        assertThat(clock.now()).isGreaterThan(after);
    }

    @Test
    void readingsCatchUpWithTheWallClockWhenItMovesForward() {
        clock.now();
        clock.now();
        wall.set(NOW_MILLIS + 1);

        assertThat(clock.now()).isEqualTo((NOW_MILLIS + 1) << 16);
    }

    @Test
    void nextReadingExceedsAnObservedRemoteReadingFromTheFuture() {
        long remote = ((NOW_MILLIS + 5_000) << 16) | 7;

        clock.observe(remote);

        assertThat(clock.now()).isGreaterThan(remote);
    }

    @Test
    void observingAnOldRemoteReadingDoesNotSetTheClockBack() {
        long mine = clock.now();

        clock.observe(1L);

        assertThat(clock.now()).isGreaterThan(mine);
    }

    @Test
    void observedReadingIsExceededEvenAfterTheWallClockGoesBackwards() {
        long remote = (NOW_MILLIS + 10) << 16;
        clock.observe(remote);
        wall.set(NOW_MILLIS - 10);

        assertThat(clock.now()).isGreaterThan(remote);
    }

    @Test
    void stampIsANewReadingByTheWriter() {
        RingPosition writer = RingPosition.parse("00c3f22a00000000");
        long before = clock.now();

        Version version = clock.stamp(writer);

        assertThat(version.writer()).isEqualTo(writer);
        assertThat(version.timestamp()).isGreaterThan(before);
    }

    @Test
    void laterStampOfTheSameClockIsNewer() {
        RingPosition writer = RingPosition.MAX;

        Version first = clock.stamp(writer);
        Version second = clock.stamp(RingPosition.MIN);

        assertThat(second.isNewerThan(first)).isTrue();
    }

    @Test
    void readingsTakenConcurrentlyAreAllDistinct() throws Exception {
        int threads = 4;
        int perThread = 5_000;
        List<Future<List<Long>>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    List<Long> readings = new ArrayList<>(perThread);
                    for (int i = 0; i < perThread; i++) {
                        readings.add(clock.now());
                    }
                    return readings;
                }));
            }
            Set<Long> all = new HashSet<>();
            for (Future<List<Long>> future : futures) {
                List<Long> readings = future.get();
                assertThat(readings).isSorted().doesNotHaveDuplicates();
                all.addAll(readings);
            }

            assertThat(all).hasSize(threads * perThread);
        }
    }

    @Test
    void systemClockFollowsTheWallClock() {
        long before = System.currentTimeMillis();

        long reading = HybridClock.system().now();

        assertThat(reading >>> 16).isBetween(before, System.currentTimeMillis());
    }
}
