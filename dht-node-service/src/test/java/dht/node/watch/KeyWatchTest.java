package dht.node.watch;

import dht.core.HybridClock;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.KeyChange;
import dht.node.time.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KeyWatchTest {

    private static final RingPosition A = RingPosition.parse("1000000000000000");
    private static final RingPosition B = RingPosition.parse("9000000000000000");
    private static final Duration WINDOW = Duration.ofMillis(200);

    private final ManualScheduler clock = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void eachWriteGoesOutOnceThoughEveryReplicaTellsOfIt() {
        KeyWatch watch = watch("user:", 0, 100);
        KeyChange put = put("user:1", 10, A);

        watch.offer(put);
        watch.offer(put);
        clock.advance(WINDOW);
        watch.offer(put); // a third replica's log, late

        assertThat(watch.due()).containsExactly(WatchEvent.of(put));
        clock.advance(WINDOW);
        assertThat(watch.due()).isEmpty();
    }

    @Test
    void changesAreHeldForTheWindowThenGoOutInVersionOrder() {
        KeyWatch watch = watch("", 0, 100);
        KeyChange first = put("k", 10, A);
        KeyChange second = delete("k", 11, B);
        KeyChange other = put("j", 12, A);

        watch.offer(other);
        watch.offer(second);
        clock.advance(WINDOW.dividedBy(2));
        assertThat(watch.due()).isEmpty();
        watch.offer(first);
        clock.advance(WINDOW);

        assertThat(watch.due()).containsExactly(WatchEvent.of(first), WatchEvent.of(second), WatchEvent.of(other));
    }

    @Test
    void aChangeOlderThanOneSentForItsKeyIsDropped() {
        KeyWatch watch = watch("", 0, 100);
        watch.offer(put("k", 20, A));
        clock.advance(WINDOW);
        assertThat(watch.due()).hasSize(1);

        watch.offer(put("k", 10, B));
        watch.offer(put("k", 20, A));
        clock.advance(WINDOW);

        assertThat(watch.due()).isEmpty();
    }

    @Test
    void onlyKeysUnderThePrefixAndChangesAfterTheFloorGoOut() {
        KeyWatch watch = watch("user:", HybridClock.readingAt(5), 100);
        watch.offer(put("order:1", 10, A));
        watch.offer(put("user:1", 5, A));
        watch.offer(put("user:2", 6, A));
        clock.advance(WINDOW);

        assertThat(watch.due()).extracting(event -> event.change().key()).containsExactly("user:2");
    }

    @Test
    void aResetGoesOutBeforeTheChangesAndOnceForSeveralLogs() {
        KeyWatch watch = watch("", 0, 100);
        watch.missed();
        watch.offer(put("k", 10, A));
        watch.missed();

        List<WatchEvent> due = watch.due();
        clock.advance(WINDOW);
        due.addAll(watch.due());

        assertThat(due).containsExactly(WatchEvent.reset(), WatchEvent.of(put("k", 10, A)));
    }

    @Test
    void keysForgottenRaiseTheFloorSoThatTheirOldChangesStayOut() {
        KeyWatch watch = watch("", 0, 2);
        for (int i = 1; i <= 3; i++) {
            watch.offer(put("k" + i, 10 + i, A));
        }
        clock.advance(WINDOW);
        assertThat(watch.due()).hasSize(3);

        watch.offer(put("k1", 11, B)); // a replica's copy of k1's change, come very late after k1 was forgotten
        watch.offer(put("k4", 20, A));
        clock.advance(WINDOW);

        assertThat(watch.due()).extracting(event -> event.change().key()).containsExactly("k4");
    }

    @Test
    void aFullBufferLetsTheEarliestChangesOutBeforeTheirWindowIsOver() {
        KeyWatch watch = new KeyWatch("", 0, WINDOW, 100, 2, clock);
        for (int i = 1; i <= 3; i++) {
            watch.offer(put("k" + i, 10 + i, A));
        }

        assertThat(watch.due()).extracting(event -> event.change().key()).containsExactly("k1");
    }

    @Test
    void everyChangeOfOneKeyComesInOrderHoweverTheLogsInterleave() {
        KeyWatch watch = watch("", 0, 100);
        List<KeyChange> writes = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            writes.add(i % 5 == 0 ? delete("k", i, A) : put("k", i, i % 2 == 0 ? A : B));
        }
        // three replicas' logs, each in its own order within the window
        writes.reversed().forEach(watch::offer);
        writes.forEach(watch::offer);
        writes.stream().filter(change -> change.version().timestamp() % 2 == 0).forEach(watch::offer);
        clock.advance(WINDOW);

        assertThat(watch.due()).containsExactlyElementsOf(writes.stream().map(WatchEvent::of).toList());
    }

    private KeyWatch watch(String prefix, long floor, int seenKeys) {
        return new KeyWatch(prefix, floor, WINDOW, seenKeys, 100, clock);
    }

    private static KeyChange put(String key, long millis, RingPosition writer) {
        return new KeyChange(key, new Version(HybridClock.readingAt(millis), writer), KeyChange.Type.PUT);
    }

    private static KeyChange delete(String key, long millis, RingPosition writer) {
        return new KeyChange(key, new Version(HybridClock.readingAt(millis), writer), KeyChange.Type.DELETE);
    }
}
