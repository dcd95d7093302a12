package dht.core;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock: milliseconds in the upper 48 bits, a counter in the lower 16. Readings
 * never go backwards and always exceed every reading this clock has observed from other nodes,
 * so a later write wins even across nodes whose wall clocks differ a little.
 */
public final class HybridClock {

    private static final int LOGICAL_BITS = 16;

    private final LongSupplier wallMillis;
    private final AtomicLong last = new AtomicLong();

    public HybridClock(LongSupplier wallMillis) {
        this.wallMillis = wallMillis;
    }

    public static HybridClock system() {
        return new HybridClock(System::currentTimeMillis);
    }

    public long now() {
        long physical = wallMillis.getAsLong() << LOGICAL_BITS;
        return last.updateAndGet(previous -> Math.max(previous + 1, physical));
    }

    /** Takes in a reading from another node, so that this clock's next reading is later. */
    public void observe(long remote) {
        last.accumulateAndGet(remote, Math::max);
    }

    /** The earliest reading at wall-clock milliseconds {@code millis}: where a resume from that time starts. */
    public static long readingAt(long millis) {
        return millis << LOGICAL_BITS;
    }

    /** The wall-clock milliseconds of a reading. */
    public static long wallMillisOf(long reading) {
        return reading >>> LOGICAL_BITS;
    }

    public Version stamp(RingPosition writer) {
        return new Version(now(), writer);
    }
}
