package dht.node.watch;

import dht.core.HybridClock;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.ChangePage;
import dht.core.wire.ChangeQuery;
import dht.core.wire.Entry;
import dht.core.wire.KeyChange;
import dht.node.time.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeLogTest {

    private static final RingPosition WRITER = RingPosition.parse("8877c799045ba648");
    private static final long EPOCH = 7;

    private final ManualScheduler clock = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));

    @Test
    void aReaderFromTheEndGetsOnlyWhatComesNextUnderItsPrefix() throws InterruptedException {
        ChangeLog log = new ChangeLog(100, Duration.ofMinutes(10), clock, EPOCH, false);
        log.applied(put("user:1", 1));
        ChangePage end = log.read(ChangeQuery.fromEnd("user:"), Duration.ZERO);
        assertThat(end.changes()).isEmpty();

        log.applied(put("user:2", 2));
        log.applied(put("order:1", 3));
        log.applied(Entry.tombstone("user:2", version(4)));
        ChangePage next = log.read(ChangeQuery.fromEnd("user:").after(end), Duration.ZERO);

        assertThat(next.changes()).containsExactly(
                new KeyChange("user:2", version(2), KeyChange.Type.PUT),
                new KeyChange("user:2", version(4), KeyChange.Type.DELETE));
        assertThat(next.reset()).isFalse();
        assertThat(log.read(ChangeQuery.fromEnd("user:").after(next), Duration.ZERO).changes()).isEmpty();
    }

    @Test
    void aReaderThatFellBehindTheLogIsToldToReset() throws InterruptedException {
        ChangeLog log = new ChangeLog(2, Duration.ofMinutes(10), clock, EPOCH, false);
        ChangePage end = log.read(ChangeQuery.fromEnd(""), Duration.ZERO);
        log.applied(put("a", 1));
        log.applied(put("b", 2));
        log.applied(put("c", 3));

        ChangePage page = log.read(ChangeQuery.fromEnd("").after(end), Duration.ZERO);

        assertThat(page.reset()).isTrue();
        assertThat(page.changes()).extracting(KeyChange::key).containsExactly("b", "c");
    }

    @Test
    void changesOlderThanTheMaximumAgeAreLetGo() throws InterruptedException {
        ChangeLog log = new ChangeLog(100, Duration.ofMinutes(1), clock, EPOCH, false);
        log.applied(put("old", 1));
        clock.advance(Duration.ofMinutes(2));
        log.applied(put("new", 2));

        ChangePage page = log.read(ChangeQuery.fromStart(""), Duration.ZERO);

        assertThat(page.reset()).isTrue();
        assertThat(page.changes()).extracting(KeyChange::key).containsExactly("new");
    }

    @Test
    void aResumeReadsTheChangesWithLaterVersionsAndResetsOnlyWhenTheLogNoLongerReachesBack() throws InterruptedException {
        ChangeLog log = new ChangeLog(3, Duration.ofMinutes(10), clock, EPOCH, false);
        for (long millis = 1; millis <= 5; millis++) {
            log.applied(put("k" + millis, millis));
        }

        ChangePage recent = log.read(ChangeQuery.since("", HybridClock.readingAt(3)), Duration.ZERO);
        ChangePage tooOld = log.read(ChangeQuery.since("", HybridClock.readingAt(1)), Duration.ZERO);

        assertThat(recent.reset()).isFalse();
        assertThat(recent.changes()).extracting(KeyChange::key).containsExactly("k4", "k5");
        assertThat(tooOld.reset()).isTrue();
        assertThat(tooOld.changes()).extracting(KeyChange::key).containsExactly("k3", "k4", "k5");
    }

    @Test
    void aNodeThatHeldKeysWhenItStartedCannotTellOfChangesBeforeThat() throws InterruptedException {
        ChangeLog log = new ChangeLog(100, Duration.ofMinutes(10), clock, EPOCH, true);
        long before = HybridClock.readingAt(clock.now().minusSeconds(1).toEpochMilli());

        assertThat(log.read(ChangeQuery.since("", before), Duration.ZERO).reset()).isTrue();
    }

    @Test
    void aPositionOfAnotherEpochReadsThisLogFromItsStart() throws InterruptedException {
        ChangeLog log = new ChangeLog(100, Duration.ofMinutes(10), clock, EPOCH, false);
        log.applied(put("a", 1));

        ChangePage page = log.read(new ChangeQuery("", EPOCH + 1, 40L, null), Duration.ZERO);

        assertThat(page.epoch()).isEqualTo(EPOCH);
        assertThat(page.changes()).extracting(KeyChange::key).containsExactly("a");
    }

    @Test
    void aReaderFarBehindCatchesUpPageByPage() throws InterruptedException {
        ChangeLog log = new ChangeLog(5000, Duration.ofMinutes(10), clock, EPOCH, false);
        ChangeQuery query = ChangeQuery.fromEnd("");
        query = query.after(log.read(query, Duration.ZERO));
        for (long i = 1; i <= ChangeLog.PAGE + 10; i++) {
            log.applied(put("k" + i, i));
        }

        ChangePage first = log.read(query, Duration.ZERO);
        ChangePage second = log.read(query.after(first), Duration.ZERO);

        assertThat(first.changes()).hasSize(ChangeLog.PAGE);
        assertThat(second.changes()).extracting(KeyChange::key).first().isEqualTo("k" + (ChangeLog.PAGE + 1));
        assertThat(second.changes()).hasSize(10);
    }

    @Test
    void aReaderWaitsForTheNextChange() throws Exception {
        ChangeLog log = new ChangeLog(100, Duration.ofMinutes(10), clock, EPOCH, false);
        ChangeQuery end = ChangeQuery.fromEnd("").after(log.read(ChangeQuery.fromEnd(""), Duration.ZERO));
        CompletableFuture<ChangePage> reading = CompletableFuture.supplyAsync(() -> {
            try {
                return log.read(end, Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        log.applied(put("a", 1));

        assertThat(reading.get(20, TimeUnit.SECONDS).changes()).extracting(KeyChange::key).isEqualTo(List.of("a"));
    }

    private static Entry put(String key, long millis) {
        return new Entry(key, new byte[]{1}, "text/plain", version(millis));
    }

    private static Version version(long millis) {
        return new Version(HybridClock.readingAt(millis), WRITER);
    }
}
