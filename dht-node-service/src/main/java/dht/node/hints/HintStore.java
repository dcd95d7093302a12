package dht.node.hints;

import dht.core.wire.Entry;
import dht.core.wire.EntryCodec;
import dht.node.storage.RocksDbOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.BiPredicate;

/**
 * The writes a replica missed, kept for it until it is back (hinted handoff, Dynamo section 4.6):
 * for each replica, by its address, the newest write of each key it missed. A newer hint of a key
 * replaces the older one, so a replica down for long gets each key once. The store is bounded in
 * bytes: past {@code maxBytes} a hint is refused (and counted dropped), and anti-entropy brings the
 * replica up to date instead. On disk under the node's data dir ({@code hints/}), so that hints
 * outlive a restart of the node that holds them; in memory for a node whose keys are.
 */
public final class HintStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HintStore.class);
    private static final byte SEPARATOR = 0;

    /** What became of a hint offered to the store. */
    public enum Added { STORED, NEWER_HELD, FULL }

    /** A write kept for {@code target}: the entry, and when it was first kept. */
    public record Hint(String target, Entry entry, Instant storedAt) {
    }

    private final Table table;
    private final long maxBytes;
    private final Map<String, Long> pendingByTarget = new HashMap<>();
    private long bytes;
    /**
     * No hint was kept before this (null: none is kept), so that the expiry round reads the whole
     * store only when one may be too old. Forgetting hints leaves it as it is: it may be too early, never too late.
     */
    private Instant oldestKept;
    /** RocksDB used after closing aborts the JVM: a request still running as the node stops gets an exception instead. */
    private boolean closed;

    private HintStore(Table table, long maxBytes) {
        this.table = table;
        this.maxBytes = maxBytes;
        table.forEach(new byte[0], (key, value) -> {
            pendingByTarget.merge(targetOf(key), 1L, Long::sum);
            bytes += key.length + value.length;
            keptAt(storedAtOf(value));
            return true;
        });
    }

    /** A store that keeps its hints in memory: gone with the process. */
    public static HintStore inMemory(long maxBytes) {
        return new HintStore(new MemoryTable(), maxBytes);
    }

    private void keptAt(Instant storedAt) {
        if (oldestKept == null || storedAt.isBefore(oldestKept)) {
            oldestKept = storedAt;
        }
    }

    /** Opens (or creates) the store in {@code directory}. */
    public static HintStore open(Path directory, long maxBytes) {
        HintStore store = new HintStore(RocksTable.open(directory), maxBytes);
        if (store.pending() > 0) {
            log.info("{} hints for {} nodes kept in {}", store.pending(), store.pendingByTarget.size(), directory);
        }
        return store;
    }

    /** Keeps {@code entry} for the replica at {@code target} unless a hint of the same key at least as new is held for it. */
    public synchronized Added add(String target, Entry entry, Instant now) {
        requireOpen();
        byte[] key = keyOf(target, entry.key());
        byte[] held = table.get(key);
        Hint replaced = held != null ? decode(target, held) : null;
        if (replaced != null && !entry.supersedes(replaced.entry())) {
            return Added.NEWER_HELD;
        }
        Instant storedAt = replaced != null ? replaced.storedAt() : now;
        byte[] value = encode(entry, storedAt);
        long heldBytes = held != null ? key.length + held.length : 0;
        if (bytes - heldBytes + key.length + value.length > maxBytes) {
            return Added.FULL;
        }
        table.put(key, value);
        bytes += key.length + value.length - heldBytes;
        keptAt(storedAt);
        if (held == null) {
            pendingByTarget.merge(target, 1L, Long::sum);
        }
        return Added.STORED;
    }

    /** Up to {@code limit} hints for {@code target}, in key order. */
    public synchronized List<Hint> next(String target, int limit) {
        requireOpen();
        List<Hint> hints = new ArrayList<>();
        table.forEach(prefixOf(target), (key, value) -> {
            hints.add(decode(target, value));
            return hints.size() < limit;
        });
        return hints;
    }

    /** Forgets the hints handed over, unless a newer write of the key was kept for the target since. */
    public synchronized void delivered(String target, List<Hint> hints) {
        requireOpen();
        for (Hint hint : hints) {
            byte[] key = keyOf(target, hint.entry().key());
            byte[] held = table.get(key);
            if (held != null && decode(target, held).entry().version().equals(hint.entry().version())) {
                forget(target, key, held);
            }
        }
    }

    /** Forgets every hint kept before {@code before}; answers how many. */
    public synchronized long dropKeptBefore(Instant before) {
        requireOpen();
        if (oldestKept == null || !oldestKept.isBefore(before)) {
            return 0; // nothing is that old: no need to read every hint
        }
        List<byte[][]> old = new ArrayList<>();
        Instant[] oldestLeft = {null};
        table.forEach(new byte[0], (key, value) -> {
            Instant storedAt = storedAtOf(value);
            if (storedAt.isBefore(before)) {
                old.add(new byte[][]{key, value});
            } else if (oldestLeft[0] == null || storedAt.isBefore(oldestLeft[0])) {
                oldestLeft[0] = storedAt;
            }
            return true;
        });
        oldestKept = oldestLeft[0];
        old.forEach(pair -> forget(targetOf(pair[0]), pair[0], pair[1]));
        return old.size();
    }

    /** The addresses of the replicas that have hints waiting. */
    public synchronized Set<String> targets() {
        return new TreeSet<>(pendingByTarget.keySet());
    }

    /** How many hints wait, for all replicas. */
    public synchronized long pending() {
        return pendingByTarget.values().stream().mapToLong(Long::longValue).sum();
    }

    /** How many hints wait for {@code target}. */
    public synchronized long pendingFor(String target) {
        return pendingByTarget.getOrDefault(target, 0L);
    }

    /** How many bytes the waiting hints take, keys included. */
    public synchronized long bytes() {
        return bytes;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            table.close();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the hint store is closed");
        }
    }

    private void forget(String target, byte[] key, byte[] held) {
        table.delete(key);
        bytes -= key.length + held.length;
        pendingByTarget.computeIfPresent(target, (address, count) -> count > 1 ? count - 1 : null);
    }

    private static byte[] prefixOf(String target) {
        byte[] address = target.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = Arrays.copyOf(address, address.length + 1);
        prefix[address.length] = SEPARATOR;
        return prefix;
    }

    private static byte[] keyOf(String target, String key) {
        byte[] prefix = prefixOf(target);
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        byte[] stored = Arrays.copyOf(prefix, prefix.length + keyBytes.length);
        System.arraycopy(keyBytes, 0, stored, prefix.length, keyBytes.length);
        return stored;
    }

    private static String targetOf(byte[] key) {
        int end = 0;
        while (key[end] != SEPARATOR) {
            end++;
        }
        return new String(key, 0, end, StandardCharsets.UTF_8);
    }

    private static byte[] encode(Entry entry, Instant storedAt) {
        byte[] encoded = EntryCodec.entryToBytes(entry);
        return ByteBuffer.allocate(Long.BYTES + encoded.length).putLong(storedAt.toEpochMilli()).put(encoded).array();
    }

    private static Instant storedAtOf(byte[] value) {
        return Instant.ofEpochMilli(ByteBuffer.wrap(value).getLong());
    }

    private static Hint decode(String target, byte[] value) {
        try {
            return new Hint(target, EntryCodec.entryFromBytes(Arrays.copyOfRange(value, Long.BYTES, value.length)), storedAtOf(value));
        } catch (IOException e) {
            throw new UncheckedIOException("a hint for " + target + " cannot be read", e);
        }
    }

    /** Sorted bytes: where the hints are kept. */
    private interface Table {
        void put(byte[] key, byte[] value);

        byte[] get(byte[] key);

        void delete(byte[] key);

        /** Hands each pair whose key starts with {@code prefix} to {@code visitor}, in key order, until it answers false. */
        void forEach(byte[] prefix, BiPredicate<byte[], byte[]> visitor);

        void close();
    }

    private static final class MemoryTable implements Table {

        private final ConcurrentSkipListMap<byte[], byte[]> pairs = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

        @Override
        public void put(byte[] key, byte[] value) {
            pairs.put(key, value);
        }

        @Override
        public byte[] get(byte[] key) {
            return pairs.get(key);
        }

        @Override
        public void delete(byte[] key) {
            pairs.remove(key);
        }

        @Override
        public void forEach(byte[] prefix, BiPredicate<byte[], byte[]> visitor) {
            for (Map.Entry<byte[], byte[]> pair : pairs.tailMap(prefix, true).entrySet()) {
                if (!startsWith(pair.getKey(), prefix) || !visitor.test(pair.getKey(), pair.getValue())) {
                    return;
                }
            }
        }

        @Override
        public void close() {
        }
    }

    /** Hints in a RocksDB of their own, each write through its write-ahead log. */
    private static final class RocksTable implements Table {

        static {
            RocksDB.loadLibrary();
        }

        private final RocksDbOptions options;
        private final WriteOptions writeOptions;
        private final RocksDB db;

        private RocksTable(RocksDbOptions options, WriteOptions writeOptions, RocksDB db) {
            this.options = options;
            this.writeOptions = writeOptions;
            this.db = db;
        }

        static RocksTable open(Path directory) {
            try {
                Files.createDirectories(directory);
                RocksDbOptions options = RocksDbOptions.create();
                RocksDB db = options.open(directory);
                return new RocksTable(options, new WriteOptions(), db);
            } catch (RocksDBException e) {
                throw new IllegalStateException("cannot open the hint store in " + directory + ": " + e.getMessage(), e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + directory, e);
            }
        }

        @Override
        public void put(byte[] key, byte[] value) {
            try {
                db.put(writeOptions, key, value);
            } catch (RocksDBException e) {
                throw new IllegalStateException("cannot keep a hint: " + e.getMessage(), e);
            }
        }

        @Override
        public byte[] get(byte[] key) {
            try {
                return db.get(key);
            } catch (RocksDBException e) {
                throw new IllegalStateException("cannot read a hint: " + e.getMessage(), e);
            }
        }

        @Override
        public void delete(byte[] key) {
            try {
                db.delete(writeOptions, key);
            } catch (RocksDBException e) {
                throw new IllegalStateException("cannot forget a hint: " + e.getMessage(), e);
            }
        }

        @Override
        public void forEach(byte[] prefix, BiPredicate<byte[], byte[]> visitor) {
            try (RocksIterator iterator = db.newIterator()) {
                for (iterator.seek(prefix); iterator.isValid(); iterator.next()) {
                    byte[] key = iterator.key();
                    if (!startsWith(key, prefix) || !visitor.test(key, iterator.value())) {
                        return;
                    }
                }
            }
        }

        @Override
        public void close() {
            db.close();
            writeOptions.close();
            options.close();
        }
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }
}
