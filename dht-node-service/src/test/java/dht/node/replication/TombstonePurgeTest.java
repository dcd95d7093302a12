package dht.node.replication;

import dht.core.HybridClock;
import dht.core.KeyRange;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.Entry;
import dht.node.config.NodeProperties;
import dht.node.storage.Copies;
import dht.node.storage.InMemoryKeyValueStore;
import dht.node.storage.KeyLocks;
import dht.node.storage.KeyValueStore;
import dht.node.telemetry.DhtMetrics;
import dht.node.time.ManualScheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class TombstonePurgeTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final RingPosition WRITER = RingPosition.parse("00000000000000aa");

    private final NodeProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
            "dht.tombstone-grace", "1h",
            "dht.transfer-batch-size", "7",
            "dht.storage.type", "memory")))
            .bindOrCreate("dht", NodeProperties.class);
    private final ManualScheduler scheduler = new ManualScheduler(NOW);
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final KeyValueStore store = new InMemoryKeyValueStore();
    private final TombstonePurge purge = purgeOf(store);

    private TombstonePurge purgeOf(KeyValueStore replica) {
        return new TombstonePurge(replica, new KeyLocks(16), properties, scheduler, new DhtMetrics(meters, replica));
    }

    @Test
    void tombstonesOlderThanTheGraceAreForgottenAndEverythingElseStays() {
        for (int i = 0; i < 50; i++) {
            store.put(Entry.tombstone("old-" + i, versionAt(NOW.minus(Duration.ofMinutes(61)))));
            store.put(Entry.tombstone("recent-" + i, versionAt(NOW.minus(Duration.ofMinutes(59)))));
            store.put(new Entry("live-" + i, new byte[]{1}, "text/plain", versionAt(NOW.minus(Duration.ofDays(3)))));
        }

        assertThat(purge.purge()).isEqualTo(50);

        assertThat(store.size()).isEqualTo(100);
        for (int i = 0; i < 50; i++) {
            assertThat(store.get("old-" + i)).isEmpty();
            assertThat(store.get("recent-" + i)).get().extracting(Entry::tombstone).isEqualTo(true);
            assertThat(store.get("live-" + i)).get().extracting(Entry::tombstone).isEqualTo(false);
        }
        assertThat(meters.counter("dht.tombstones.purged").count()).isEqualTo(50);
    }

    @Test
    void anExpiredValueBecomesATombstoneOfItsVersionForgottenOnlyAGraceAfterItExpired() {
        Version writtenLongAgo = versionAt(NOW.minus(Duration.ofDays(3)));
        store.put(expiring("session", writtenLongAgo, NOW.minus(Duration.ofMinutes(10))));
        store.put(expiring("still-live", writtenLongAgo, NOW.plus(Duration.ofMinutes(10))));

        assertThat(purge.purge()).isZero();

        assertThat(store.get("session")).get().satisfies(tombstone -> {
            assertThat(tombstone.tombstone()).isTrue();
            assertThat(tombstone.value()).isEmpty();
            assertThat(tombstone.version()).isEqualTo(writtenLongAgo);
            assertThat(tombstone.expires()).contains(NOW.minus(Duration.ofMinutes(10)));
        });
        assertThat(store.get("still-live")).get().extracting(Entry::tombstone).isEqualTo(false);
        assertThat(meters.counter("dht.keys.expired").count()).isEqualTo(1);

        scheduler.advance(Duration.ofMinutes(49));
        assertThat(purge.purge()).as("49 + 10 minutes since it expired: within the grace").isZero();
        assertThat(store.get("session")).isPresent();

        scheduler.advance(Duration.ofMinutes(2));
        assertThat(purge.purge()).isEqualTo(1);
        assertThat(store.get("session")).isEmpty();
        assertThat(store.get("still-live")).as("expired 41 minutes ago: its tombstone stays").get()
                .extracting(Entry::tombstone).isEqualTo(true);
    }

    @Test
    void anExpiredValueGoneForLongerThanTheGraceIsForgottenAtOnce() {
        store.put(expiring("long-gone", versionAt(NOW.minus(Duration.ofDays(3))), NOW.minus(Duration.ofHours(2))));

        assertThat(purge.purge()).isEqualTo(1);

        assertThat(store.get("long-gone")).isEmpty();
    }

    /**
     * Replica A holds an expiring v2, replica B only the permanent v1 before it (it missed v2). Once
     * v2 expires, A's purge keeps it as a tombstone of v2, which anti-entropy carries to B; were it
     * dropped instead, anti-entropy would hand v1 back to A and the key would live again.
     */
    @Test
    void anExpiredValueDoesNotBringBackAnOlderPermanentCopyOfAnotherReplica() {
        KeyValueStore replicaA = store;
        KeyValueStore replicaB = new InMemoryKeyValueStore();
        Entry v1 = new Entry("k", new byte[]{1}, "text/plain", versionAt(NOW.minus(Duration.ofMinutes(30))));
        Entry v2 = expiring("k", versionAt(NOW.minus(Duration.ofMinutes(20))), NOW.minus(Duration.ofMinutes(5)));
        replicaA.put(v2);
        replicaB.put(v1);

        purge.purge();
        purgeOf(replicaB).purge();
        antiEntropy(replicaA, replicaB);

        for (KeyValueStore replica : List.of(replicaA, replicaB)) {
            Entry held = replica.get("k").orElseThrow();
            assertThat(held.tombstone()).isTrue();
            assertThat(held.version()).isEqualTo(v2.version());
            assertThat(held.liveAt(scheduler.now())).isFalse();
        }

        scheduler.advance(Duration.ofHours(1));
        purge.purge();
        purgeOf(replicaB).purge();
        antiEntropy(replicaA, replicaB);
        assertThat(replicaA.get("k")).isEmpty();
        assertThat(replicaB.get("k")).isEmpty();
    }

    @Test
    void aReplicaStillHoldingTheExpiredValueTakesTheTombstoneItBecameElsewhere() {
        KeyValueStore replicaB = new InMemoryKeyValueStore();
        Entry v2 = expiring("k", versionAt(NOW.minus(Duration.ofMinutes(20))), NOW.minus(Duration.ofMinutes(5)));
        store.put(v2);
        replicaB.put(v2);

        purge.purge();
        antiEntropy(store, replicaB);

        assertThat(replicaB.get("k")).get().extracting(Entry::tombstone).isEqualTo(true);
    }

    /** What a round of anti-entropy does: each replica keeps the newer of its copy and the other's. */
    private static void antiEntropy(KeyValueStore one, KeyValueStore other) {
        List<Entry> ones = one.scan(KeyRange.wholeRing(RingPosition.MIN), null, 1000);
        List<Entry> others = other.scan(KeyRange.wholeRing(RingPosition.MIN), null, 1000);
        copiesOf(one).keepNewer(others);
        copiesOf(other).keepNewer(ones);
    }

    private static Copies copiesOf(KeyValueStore replica) {
        return new Copies(replica, new KeyLocks(16), new HybridClock(NOW::toEpochMilli));
    }

    private static Entry expiring(String key, Version version, Instant expires) {
        return Entry.expiring(key, new byte[]{1}, "text/plain", version, Optional.of(expires));
    }

    private static Version versionAt(Instant instant) {
        return new Version(instant.toEpochMilli() << 16, WRITER);
    }
}
