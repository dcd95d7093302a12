package dht.node.storage;

import dht.core.KeyRange;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.Entry;
import dht.core.wire.StoreCursor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The on-disk store answers exactly as the in-memory one, and keeps its entries across a reopen. */
class RocksDbKeyValueStoreTest {

    private static final Version VERSION = new Version(7, RingPosition.MIN);

    @TempDir
    Path dir;

    @Test
    void entriesSurviveClosingAndReopening() {
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir, false)) {
            store.put(entry("a", "1"));
            store.put(entry("b", "2"));
            store.remove("a");
        }
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir, false)) {
            assertThat(store.size()).isEqualTo(1);
            assertThat(store.get("a")).isEmpty();
            assertThat(new String(store.get("b").orElseThrow().value(), StandardCharsets.UTF_8)).isEqualTo("2");
            assertThat(store.get("b").orElseThrow().version()).isEqualTo(VERSION);
        }
    }

    @Test
    void closingWhileWritesAndScansRunEndsThemWithAnErrorInsteadOfCrashingTheProcess() throws Exception {
        RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir, false);
        int workers = 4;
        CountDownLatch allRunning = new CountDownLatch(workers);
        // platform threads: virtual ones in native calls never yield, so some might never start
        ExecutorService executor = Executors.newFixedThreadPool(workers);
        List<CompletableFuture<RuntimeException>> endings = IntStream.range(0, workers)
                .mapToObj(worker -> CompletableFuture.supplyAsync(() -> {
                    try {
                        for (int i = 0; i < 1_000_000; i++) {
                            store.put(entry("w" + worker + "-" + i, "v"));
                            store.scan(KeyRange.wholeRing(RingPosition.MIN), null, 10);
                            if (i == 0) {
                                allRunning.countDown();
                            }
                        }
                        return null;
                    } catch (RuntimeException e) {
                        return e;
                    }
                }, executor))
                .toList();
        assertThat(allRunning.await(30, TimeUnit.SECONDS)).isTrue();

        store.close();

        for (CompletableFuture<RuntimeException> ending : endings) {
            assertThat(ending.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
        }
        assertThatThrownBy(() -> store.get("w0-0")).isInstanceOf(IllegalStateException.class);
        store.close();
        executor.close();
    }

    @Test
    void putAnswersTheReplacedEntryAndCountsEachKeyOnce() {
        try (RocksDbKeyValueStore store = RocksDbKeyValueStore.open(dir, true)) {
            assertThat(store.put(entry("k", "1"))).isEmpty();
            assertThat(store.put(entry("k", "2"))).isPresent();
            assertThat(store.size()).isEqualTo(1);
            assertThat(store.remove("k")).isPresent();
            assertThat(store.remove("k")).isEmpty();
            assertThat(store.size()).isZero();
        }
    }

    @Test
    void rangeReadsAndDeletesMatchTheInMemoryStore() {
        Random random = new Random(11);
        List<String> keys = IntStream.range(0, 500)
                .mapToObj(i -> i % 7 == 0 ? "ключ-" + i : i % 11 == 0 ? "\uD83D\uDE00" + i : "key-" + i)
                .toList();
        InMemoryKeyValueStore memory = new InMemoryKeyValueStore();
        try (RocksDbKeyValueStore disk = RocksDbKeyValueStore.open(dir, false)) {
            keys.forEach(key -> {
                memory.put(entry(key, key));
                disk.put(entry(key, key));
            });
            for (int round = 0; round < 50; round++) {
                KeyRange range = KeyRange.of(new RingPosition(random.nextLong()), new RingPosition(random.nextLong()));
                assertThat(cursors(disk.scan(range, null, Integer.MAX_VALUE)))
                        .containsExactlyElementsOf(cursors(memory.scan(range, null, Integer.MAX_VALUE)));
                assertThat(disk.countIn(range)).isEqualTo(memory.countIn(range));
                List<Entry> firstPage = memory.scan(range, null, 5);
                if (!firstPage.isEmpty()) {
                    StoreCursor after = firstPage.getLast().cursor();
                    assertThat(cursors(disk.scan(range, after, 20))).containsExactlyElementsOf(cursors(memory.scan(range, after, 20)));
                }
            }
            KeyRange range = KeyRange.of(new RingPosition(random.nextLong()), new RingPosition(random.nextLong()));
            List<Entry> inRange = memory.scan(range, null, Integer.MAX_VALUE);
            StoreCursor through = inRange.get(inRange.size() / 2).cursor();
            assertThat(disk.removeThrough(range, null, through)).isEqualTo(memory.removeThrough(range, null, through));
            StoreCursor further = inRange.get(inRange.size() * 3 / 4).cursor();
            assertThat(disk.removeThrough(range, through, further)).isEqualTo(memory.removeThrough(range, through, further));
            List<Entry> batch = keys.stream().limit(40).map(key -> new Entry(key, "newer".getBytes(StandardCharsets.UTF_8),
                    "text/plain", new Version(VERSION.timestamp() + (key.length() % 2), VERSION.writer()))).toList();
            assertThat(disk.storeNewer(batch)).isEqualTo(memory.storeNewer(batch));
            assertThat(disk.size()).isEqualTo(memory.size());
            batch.forEach(entry -> assertThat(disk.get(entry.key()).map(Entry::version))
                    .as("version of %s", entry.key()).isEqualTo(memory.get(entry.key()).map(Entry::version)));
            assertThat(disk.storeNewer(List.of())).isEmpty();
            assertThat(disk.size()).isEqualTo(memory.size());
            assertThat(cursors(disk.scan(KeyRange.wholeRing(RingPosition.MIN), null, Integer.MAX_VALUE)))
                    .containsExactlyElementsOf(cursors(memory.scan(KeyRange.wholeRing(RingPosition.MIN), null, Integer.MAX_VALUE)));
        }
    }

    private static List<StoreCursor> cursors(List<Entry> entries) {
        return entries.stream().map(Entry::cursor).toList();
    }

    private static Entry entry(String key, String value) {
        return new Entry(key, value.getBytes(StandardCharsets.UTF_8), "text/plain", VERSION);
    }
}
