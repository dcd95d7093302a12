package dht.core;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * When a value written with a time to live ({@code ?ttl=SECONDS}) expires. The instant is written
 * in RFC 3339 ({@code X-DHT-Expires}), whose years have four digits: no expiry lies past
 * {@link #LATEST}, and a time to live that would reach beyond it is refused.
 */
public final class Expiry {

    /** The latest instant RFC 3339 can write. */
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private Expiry() {
    }

    /**
     * The instant a value written at {@code now} with {@code ttlSeconds} to live expires.
     *
     * @throws IllegalArgumentException when the time to live is not positive, or ends past {@link #LATEST}
     */
    public static Instant after(Instant now, long ttlSeconds) {
        if (ttlSeconds < 1) {
            throw new IllegalArgumentException("a time to live is a positive number of seconds, not " + ttlSeconds);
        }
        if (ttlSeconds > LATEST.getEpochSecond() - now.getEpochSecond()) {
            throw new IllegalArgumentException("a time to live of " + ttlSeconds + " seconds ends past " + LATEST);
        }
        // to the millisecond, as entries keep it
        return now.plusSeconds(ttlSeconds).truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * As {@link #after}, for a time to live already accepted where the request entered the ring: one
     * that a clock slightly ahead would carry past {@link #LATEST} ends there instead.
     */
    public static Instant afterAtMost(Instant now, long ttlSeconds) {
        long left = Math.max(1, LATEST.getEpochSecond() - now.getEpochSecond());
        return after(now, Math.min(Math.max(ttlSeconds, 1), left));
    }
}
