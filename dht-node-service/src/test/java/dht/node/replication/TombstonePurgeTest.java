package dht.node.replication;

import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.Entry;
import dht.node.config.NodeProperties;
import dht.node.storage.InMemoryKeyValueStore;
import dht.node.storage.KeyLocks;
import dht.node.storage.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TombstonePurgeTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final RingPosition WRITER = RingPosition.parse("00000000000000aa");

    private final NodeProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
            "dht.tombstone-grace", "1h",
            "dht.transfer-batch-size", "7",
            "dht.storage.type", "memory")))
            .bindOrCreate("dht", NodeProperties.class);
    private final KeyValueStore store = new InMemoryKeyValueStore();
    private final TombstonePurge purge = new TombstonePurge(store, new KeyLocks(16), properties, Clock.fixed(NOW, ZoneOffset.UTC));

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
    }

    private static Version versionAt(Instant instant) {
        return new Version(instant.toEpochMilli() << 16, WRITER);
    }
}
