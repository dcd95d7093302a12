package dht.core.wire;

import dht.core.HybridClock;
import dht.core.RingPosition;
import dht.core.Version;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EntryExpiryTest {

    private static final Instant EXPIRES = Instant.parse("2026-12-05T04:00:00Z");
    private static final Version VERSION = new Version(Instant.parse("2026-12-05T03:00:00Z").toEpochMilli() << 16, RingPosition.MIN);

    private static Entry expiring() {
        return Entry.expiring("k", new byte[]{1}, "text/plain", VERSION, Optional.of(EXPIRES));
    }

    @Test
    void anExpiringValueIsLiveUntilTheInstantItExpires() {
        Entry entry = expiring();

        assertThat(entry.liveAt(EXPIRES.minusMillis(1))).isTrue();
        assertThat(entry.liveAt(EXPIRES)).isFalse();
        assertThat(entry.expiredAt(EXPIRES)).isTrue();
        assertThat(entry.expires()).contains(EXPIRES);
    }

    @Test
    void aPermanentValueNeverExpiresAndATombstoneIsNeverLive() {
        Entry permanent = new Entry("k", new byte[]{1}, "text/plain", VERSION);

        assertThat(permanent.expires()).isEmpty();
        assertThat(permanent.liveAt(Instant.MAX)).isTrue();
        assertThat(Entry.tombstone("k", VERSION).liveAt(Instant.EPOCH)).isFalse();
        assertThat(Entry.expiring("k", new byte[0], "t", VERSION, Optional.empty()).expiresAtMillis()).isEqualTo(Entry.NEVER);
    }

    @Test
    void anEntryIsGoneSinceItsDeleteOrItsExpiry() {
        Instant deleted = Instant.ofEpochMilli(HybridClock.wallMillisOf(VERSION.timestamp()));

        assertThat(Entry.tombstone("k", VERSION).goneSince(Instant.MAX)).contains(deleted);
        assertThat(expiring().goneSince(EXPIRES.minusSeconds(1))).isEmpty();
        assertThat(expiring().goneSince(EXPIRES.plusSeconds(1))).contains(EXPIRES);
        assertThat(expiring().asTombstone().goneSince(EXPIRES.plusSeconds(1))).contains(EXPIRES);
        assertThat(new Entry("k", new byte[0], "t", VERSION).goneSince(Instant.MAX)).isEmpty();
    }

    @Test
    void anExpiredValueBecomesATombstoneOfItsVersionAndExpiry() {
        Entry tombstone = expiring().asTombstone();

        assertThat(tombstone.tombstone()).isTrue();
        assertThat(tombstone.value()).isEmpty();
        assertThat(tombstone.version()).isEqualTo(VERSION);
        assertThat(tombstone.expires()).contains(EXPIRES);
    }

    @Test
    void ofOneVersionTheTombstoneItBecameWinsOverTheExpiredCopy() {
        Entry copy = expiring();
        Entry tombstone = copy.asTombstone();

        assertThat(tombstone.supersedes(copy)).isTrue();
        assertThat(copy.supersedes(tombstone)).isFalse();
        assertThat(tombstone.supersedes(tombstone)).isFalse();
        assertThat(copy.supersedes(copy)).isFalse();
        assertThat(Entry.newer(Optional.of(copy), Optional.of(tombstone))).contains(tombstone);
        assertThat(Entry.newer(Optional.of(tombstone), Optional.of(copy))).contains(tombstone);
    }

    @Test
    void aLaterVersionWinsWhateverItsExpiry() {
        Entry later = new Entry("k", new byte[]{2}, "text/plain", new Version(VERSION.timestamp() + 1, RingPosition.MIN));

        assertThat(later.supersedes(expiring().asTombstone())).isTrue();
        assertThat(expiring().asTombstone().supersedes(later)).isFalse();
    }

    @Test
    void anExpiryBeforeTheEpochIsRefused() {
        assertThatThrownBy(() -> new Entry("k", new byte[0], "t", VERSION, false, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
