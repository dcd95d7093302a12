package dht.node.keys;

import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.Entry;
import dht.node.peer.KeyOptions;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PreconditionsTest {

    private static final Version V1 = new Version(1, RingPosition.parse("00000000000000aa"));
    private static final Version V2 = new Version(2, RingPosition.parse("00000000000000aa"));
    private static final Optional<Entry> LIVE = Optional.of(new Entry("k", new byte[]{1}, "text/plain", V1));
    private static final Optional<Entry> DELETED = Optional.of(Entry.tombstone("k", V1));
    private static final Instant NOW = Instant.parse("2026-12-05T03:30:00Z");
    private static final Optional<Entry> EXPIRED = Optional.of(Entry.expiring("k", new byte[]{1}, "text/plain", V1, Optional.of(NOW)));
    private static final Optional<Entry> EXPIRING = Optional.of(Entry.expiring("k", new byte[]{1}, "text/plain", V1,
            Optional.of(NOW.plusMillis(1))));

    @Test
    void noConditionAlwaysHolds() {
        assertThat(Preconditions.hold(KeyOptions.NONE, Optional.empty(), NOW)).isTrue();
        assertThat(Preconditions.hold(KeyOptions.NONE, LIVE, NOW)).isTrue();
    }

    @Test
    void ifMatchHoldsOnlyForTheCurrentVersionOfALiveValue() {
        assertThat(Preconditions.hold(ifMatch("\"" + V1 + "\""), LIVE, NOW)).isTrue();
        assertThat(Preconditions.hold(ifMatch("\"" + V2 + "\", \"" + V1 + "\""), LIVE, NOW)).isTrue();
        assertThat(Preconditions.hold(ifMatch("\"" + V2 + "\""), LIVE, NOW)).isFalse();
        assertThat(Preconditions.hold(ifMatch("W/\"" + V1 + "\""), LIVE, NOW)).as("weak tags never match").isFalse();
        assertThat(Preconditions.hold(ifMatch("\"" + V1 + "\""), DELETED, NOW)).as("a deleted key has no version").isFalse();
        assertThat(Preconditions.hold(ifMatch("*"), LIVE, NOW)).isTrue();
        assertThat(Preconditions.hold(ifMatch("*"), Optional.empty(), NOW)).isFalse();
        assertThat(Preconditions.hold(ifMatch("*"), DELETED, NOW)).isFalse();
    }

    @Test
    void ifNoneMatchStarHoldsOnlyWithoutALiveValue() {
        assertThat(Preconditions.hold(ifNoneMatch("*"), Optional.empty(), NOW)).isTrue();
        assertThat(Preconditions.hold(ifNoneMatch("*"), DELETED, NOW)).isTrue();
        assertThat(Preconditions.hold(ifNoneMatch("*"), LIVE, NOW)).isFalse();
        assertThat(Preconditions.hold(ifNoneMatch("\"" + V2 + "\""), LIVE, NOW)).isTrue();
        assertThat(Preconditions.hold(ifNoneMatch("\"" + V1 + "\""), LIVE, NOW)).isFalse();
    }

    @Test
    void anExpiredValueIsNoValueToEitherCondition() {
        assertThat(Preconditions.hold(ifMatch("\"" + V1 + "\""), EXPIRED, NOW)).as("an expired key has no version").isFalse();
        assertThat(Preconditions.hold(ifMatch("*"), EXPIRED, NOW)).isFalse();
        assertThat(Preconditions.hold(ifNoneMatch("*"), EXPIRED, NOW)).as("create-if-absent over an expired value").isTrue();
        assertThat(Preconditions.hold(ifMatch("\"" + V1 + "\""), EXPIRING, NOW)).as("not expired yet").isTrue();
        assertThat(Preconditions.hold(ifNoneMatch("*"), EXPIRING, NOW)).isFalse();
    }

    private static KeyOptions ifMatch(String tags) {
        return new KeyOptions(null, null, tags, null);
    }

    private static KeyOptions ifNoneMatch(String tags) {
        return new KeyOptions(null, null, null, tags);
    }
}
