package dht.node.keys;

import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.Entry;
import dht.node.peer.KeyOptions;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class PreconditionsTest {

    private static final Version V1 = new Version(1, RingPosition.parse("00000000000000aa"));
    private static final Version V2 = new Version(2, RingPosition.parse("00000000000000aa"));
    private static final Optional<Entry> LIVE = Optional.of(new Entry("k", new byte[]{1}, "text/plain", V1));
    private static final Optional<Entry> DELETED = Optional.of(Entry.tombstone("k", V1));

    @Test
    void noConditionAlwaysHolds() {
        assertThat(Preconditions.hold(KeyOptions.NONE, Optional.empty())).isTrue();
        assertThat(Preconditions.hold(KeyOptions.NONE, LIVE)).isTrue();
    }

    @Test
    void ifMatchHoldsOnlyForTheCurrentVersionOfALiveValue() {
        assertThat(Preconditions.hold(ifMatch("\"" + V1 + "\""), LIVE)).isTrue();
        assertThat(Preconditions.hold(ifMatch("\"" + V2 + "\", \"" + V1 + "\""), LIVE)).isTrue();
        assertThat(Preconditions.hold(ifMatch("\"" + V2 + "\""), LIVE)).isFalse();
        assertThat(Preconditions.hold(ifMatch("W/\"" + V1 + "\""), LIVE)).as("weak tags never match").isFalse();
        assertThat(Preconditions.hold(ifMatch("\"" + V1 + "\""), DELETED)).as("a deleted key has no version").isFalse();
        assertThat(Preconditions.hold(ifMatch("*"), LIVE)).isTrue();
        assertThat(Preconditions.hold(ifMatch("*"), Optional.empty())).isFalse();
        assertThat(Preconditions.hold(ifMatch("*"), DELETED)).isFalse();
    }

    @Test
    void ifNoneMatchStarHoldsOnlyWithoutALiveValue() {
        assertThat(Preconditions.hold(ifNoneMatch("*"), Optional.empty())).isTrue();
        assertThat(Preconditions.hold(ifNoneMatch("*"), DELETED)).isTrue();
        assertThat(Preconditions.hold(ifNoneMatch("*"), LIVE)).isFalse();
        assertThat(Preconditions.hold(ifNoneMatch("\"" + V2 + "\""), LIVE)).isTrue();
        assertThat(Preconditions.hold(ifNoneMatch("\"" + V1 + "\""), LIVE)).isFalse();
    }

    private static KeyOptions ifMatch(String tags) {
        return new KeyOptions(null, null, tags, null);
    }

    private static KeyOptions ifNoneMatch(String tags) {
        return new KeyOptions(null, null, null, tags);
    }
}
