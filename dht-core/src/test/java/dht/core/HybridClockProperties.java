package dht.core;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class HybridClockProperties {

    /** Milliseconds up to the year ~6400: what fits in 48 bits. */
    private static final long MAX_MILLIS = (1L << 47) - 1;

    /** One step of the scenario: set the wall clock, then read, or take in a remote reading. */
    sealed interface Step permits SetWallAndRead, Observe {
    }

    record SetWallAndRead(long millis) implements Step {
    }

    record Observe(long remote) implements Step {
    }

    @Provide
    Arbitrary<List<Step>> scenarios() {
        Arbitrary<Long> base = Arbitraries.longs().between(0, MAX_MILLIS - 1_000_000);
        return base.flatMap(start -> {
            // wall clock wanders around the start: standing still, stepping back, jumping ahead
            Arbitrary<Long> millis = Arbitraries.oneOf(
                    Arbitraries.just(start),
                    Arbitraries.longs().between(Math.max(0, start - 100_000), start + 100_000));
            Arbitrary<Step> read = millis.map(SetWallAndRead::new);
            Arbitrary<Step> observe = Arbitraries.oneOf(
                            Arbitraries.longs().between(0, MAX_MILLIS << 16),
                            millis.map(m -> m << 16),
                            millis.flatMap(m -> Arbitraries.longs().between(0, 0xffff).map(c -> (m << 16) | c)))
                    .map(Observe::new);
            return Arbitraries.frequencyOf(
                            Tuple.of(4, read),
                            Tuple.of(1, observe))
                    .list().ofMinSize(1).ofMaxSize(200);
        });
    }

    @Property
    void everyReadingExceedsAllEarlierReadingsAndObservations(@ForAll("scenarios") List<Step> steps) {
        AtomicLong wall = new AtomicLong();
        HybridClock clock = new HybridClock(wall::get);
        long highest = Long.MIN_VALUE;

        for (Step step : steps) {
            switch (step) {
                case SetWallAndRead(long millis) -> {
                    wall.set(millis);
                    long reading = clock.now();
                    assertThat(reading).isGreaterThan(highest);
                    assertThat(reading).isGreaterThanOrEqualTo(millis << 16);
                    highest = reading;
                }
                case Observe(long remote) -> {
                    clock.observe(remote);
                    highest = Math.max(highest, remote);
                }
            }
        }
    }
}
