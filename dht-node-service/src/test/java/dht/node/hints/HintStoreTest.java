package dht.node.hints;

import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The hints a node keeps for replicas that missed writes: the newest per key, bounded, on disk across restarts. */
class HintStoreTest {

    private static final String B = "b.example:7001";
    private static final String C = "c.example:7002";
    private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void keepsTheNewestWriteOfEachKeyPerReplicaAndHandsThemOutInKeyOrder() {
        try (HintStore hints = HintStore.inMemory(1 << 20)) {
            assertThat(hints.add(B, entry("k2", 1), NOW)).isEqualTo(HintStore.Added.STORED);
            assertThat(hints.add(B, entry("k1", 1), NOW)).isEqualTo(HintStore.Added.STORED);
            assertThat(hints.add(B, entry("k1", 3), NOW)).isEqualTo(HintStore.Added.STORED);
            assertThat(hints.add(B, entry("k1", 2), NOW)).isEqualTo(HintStore.Added.NEWER_HELD);
            assertThat(hints.add(C, entry("k1", 1), NOW)).isEqualTo(HintStore.Added.STORED);

            assertThat(hints.next(B, 10)).extracting(hint -> hint.entry().key() + "@" + hint.entry().version().timestamp())
                    .containsExactly("k1@3", "k2@1");
            assertThat(hints.pending()).isEqualTo(3);
            assertThat(hints.pendingFor(B)).isEqualTo(2);
            assertThat(hints.targets()).containsExactly(B, C);
        }
    }

    @Test
    void aHintReplacedWhileItWasBeingDeliveredStays() {
        try (HintStore hints = HintStore.inMemory(1 << 20)) {
            hints.add(B, entry("k", 1), NOW);
            List<HintStore.Hint> handed = hints.next(B, 10);
            hints.add(B, entry("k", 2), NOW);

            hints.delivered(B, handed);

            assertThat(hints.next(B, 10)).extracting(hint -> hint.entry().version().timestamp()).containsExactly(2L);
        }
    }

    @Test
    void pastItsBoundAHintIsRefusedAndDeliveredOnesFreeTheRoom() {
        try (HintStore hints = HintStore.inMemory(1_000)) {
            int kept = 0;
            while (hints.add(B, entry("k" + kept, 1), NOW) == HintStore.Added.STORED) {
                kept++;
            }
            assertThat(kept).isPositive();
            assertThat(hints.bytes()).isLessThanOrEqualTo(1_000);

            hints.delivered(B, hints.next(B, 1));

            assertThat(hints.add(C, entry("other", 1), NOW)).isEqualTo(HintStore.Added.STORED);
        }
    }

    @Test
    void hintsKeptTooLongAreDropped() {
        try (HintStore hints = HintStore.inMemory(1 << 20)) {
            hints.add(B, entry("old", 1), NOW);
            hints.add(B, entry("new", 1), NOW.plus(Duration.ofHours(2)));

            assertThat(hints.dropKeptBefore(NOW.plus(Duration.ofHours(1)))).isEqualTo(1);

            assertThat(hints.next(B, 10)).extracting(hint -> hint.entry().key()).containsExactly("new");
            assertThat(hints.pending()).isEqualTo(1);
            assertThat(hints.dropKeptBefore(NOW.plus(Duration.ofHours(1)))).isZero();
            assertThat(hints.dropKeptBefore(NOW.plus(Duration.ofHours(3)))).isEqualTo(1);
            assertThat(hints.pending()).isZero();
        }
    }

    @Test
    void hintsOnDiskOutliveARestartOfTheirNode() {
        long bytes;
        try (HintStore hints = HintStore.open(dir, 1 << 20)) {
            hints.add(B, entry("k1", 1), NOW);
            hints.add(C, entry("k2", 1), NOW);
            bytes = hints.bytes();
        }
        try (HintStore hints = HintStore.open(dir, 1 << 20)) {
            assertThat(hints.pending()).isEqualTo(2);
            assertThat(hints.bytes()).isEqualTo(bytes);
            assertThat(hints.next(C, 10)).singleElement().satisfies(hint -> {
                assertThat(hint.entry().key()).isEqualTo("k2");
                assertThat(new String(hint.entry().value(), StandardCharsets.UTF_8)).isEqualTo("value of k2");
                assertThat(hint.storedAt()).isEqualTo(NOW);
            });
        }
    }

    private static Entry entry(String key, long timestamp) {
        return new Entry(key, ("value of " + key).getBytes(StandardCharsets.UTF_8), "text/plain", new Version(timestamp, RingPosition.MIN));
    }
}
