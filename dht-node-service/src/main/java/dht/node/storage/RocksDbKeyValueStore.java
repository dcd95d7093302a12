package dht.node.storage;

import dht.core.KeyRange;
import dht.core.RingPosition;
import dht.core.wire.Entry;
import dht.core.wire.EntryCodec;
import dht.core.wire.StoreCursor;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Supplier;

/**
 * Entries in RocksDB under {@code dht.data-dir}, keyed by the key's 8-byte big-endian position and
 * then its UTF-8 bytes, so that RocksDB's byte order is the ring order and a range is one or two
 * iterator runs. Every write goes through RocksDB's write-ahead log, so a killed process loses no
 * acknowledged write. Writes of one key are serialized by the caller ({@link KeyLocks}).
 */
public class RocksDbKeyValueStore implements KeyValueStore, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RocksDbKeyValueStore.class);

    static {
        RocksDB.loadLibrary();
    }

    private final RocksDbOptions options;
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private final AtomicLong size = new AtomicLong();
    /**
     * Read-locked by every operation (never twice: a waiting close would block the second) and
     * write-locked by {@link #close()}, since RocksDB used after closing aborts the JVM.
     */
    private final StampedLock lifecycle = new StampedLock();
    private boolean closed;

    private RocksDbKeyValueStore(RocksDbOptions options, WriteOptions writeOptions, RocksDB db) {
        this.options = options;
        this.writeOptions = writeOptions;
        this.db = db;
    }

    /** Opens (or creates) the store in {@code directory}; {@code syncWrites} also survives a machine crash. */
    public static RocksDbKeyValueStore open(Path directory, boolean syncWrites) {
        try {
            Files.createDirectories(directory);
            RocksDbOptions options = RocksDbOptions.create();
            RocksDB db = options.open(directory);
            RocksDbKeyValueStore store = new RocksDbKeyValueStore(options, new WriteOptions().setSync(syncWrites), db);
            store.size.set(store.countAll());
            log.info("opened {} with {} keys", directory, store.size.get());
            return store;
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot open the store in " + directory + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }

    @Override
    public Optional<Entry> get(String key) {
        return whileOpen(() -> read(key));
    }

    private Optional<Entry> read(String key) {
        try {
            return Optional.ofNullable(db.get(storeKey(StoreCursor.of(key)))).map(RocksDbKeyValueStore::decode);
        } catch (RocksDBException e) {
            throw failure("read", e);
        }
    }

    @Override
    public Optional<Entry> put(Entry entry) {
        return whileOpen(() -> {
            Optional<Entry> previous = read(entry.key());
            try {
                db.put(writeOptions, storeKey(entry.cursor()), EntryCodec.entryToBytes(entry));
            } catch (RocksDBException e) {
                throw failure("write", e);
            }
            if (previous.isEmpty()) {
                size.incrementAndGet();
            }
            return previous;
        });
    }

    /** One read of every key and one write of those that are newer, instead of two reads and a write per key. */
    @Override
    public List<Entry> storeNewer(List<Entry> entries) {
        return whileOpen(() -> {
            if (entries.isEmpty()) {
                return List.of();
            }
            List<byte[]> keys = entries.stream().map(entry -> storeKey(entry.cursor())).toList();
            List<Entry> stored = new ArrayList<>();
            int added = 0;
            try (WriteBatch batch = new WriteBatch()) {
                List<byte[]> held = db.multiGetAsList(keys);
                for (int i = 0; i < entries.size(); i++) {
                    Entry entry = entries.get(i);
                    byte[] heldBytes = held.get(i);
                    if (heldBytes == null || entry.supersedes(decode(heldBytes))) {
                        batch.put(keys.get(i), EntryCodec.entryToBytes(entry));
                        stored.add(entry);
                        if (heldBytes == null) {
                            added++;
                        }
                    }
                }
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw failure("write a batch", e);
            }
            size.addAndGet(added);
            return stored;
        });
    }

    @Override
    public Optional<Entry> remove(String key) {
        return whileOpen(() -> {
            Optional<Entry> previous = read(key);
            if (previous.isPresent()) {
                try {
                    db.delete(writeOptions, storeKey(StoreCursor.of(key)));
                } catch (RocksDBException e) {
                    throw failure("delete", e);
                }
                size.decrementAndGet();
            }
            return previous;
        });
    }

    @Override
    public List<Entry> scan(KeyRange range, StoreCursor after, int limit) {
        return whileOpen(() -> {
            List<Entry> page = new ArrayList<>(Math.min(limit, 1024));
            try (RocksIterator iterator = db.newIterator()) {
                for (RangeScan scan : RangeScan.plan(range, after)) {
                    for (seek(iterator, scan); iterator.isValid() && page.size() < limit; iterator.next()) {
                        if (!scan.covers(positionOf(iterator.key()))) {
                            break;
                        }
                        page.add(decode(iterator.value()));
                    }
                }
            }
            return page;
        });
    }

    /**
     * One range deletion per run of removed entries rather than a tombstone per entry, so that later
     * scans of the range (the next rounds of a transfer, its end) skip what is gone in one step.
     */
    @Override
    public long removeThrough(KeyRange range, StoreCursor after, StoreCursor through) {
        return whileOpen(() -> {
            Comparator<StoreCursor> order = StoreCursor.orderWithin(range);
            long removed = 0;
            try (RocksIterator iterator = db.newIterator(); WriteBatch batch = new WriteBatch()) {
                for (RangeScan scan : RangeScan.plan(range, after)) {
                    byte[] first = null;
                    byte[] last = null;
                    boolean passedThrough = false;
                    for (seek(iterator, scan); iterator.isValid(); iterator.next()) {
                        byte[] key = iterator.key();
                        StoreCursor cursor = cursorOf(key);
                        if (!scan.covers(cursor.position())) {
                            break;
                        }
                        if (order.compare(cursor, through) > 0) {
                            passedThrough = true;
                            break;
                        }
                        first = first == null ? key : first;
                        last = key;
                        removed++;
                    }
                    if (first != null) {
                        // the smallest key after the last one removed: the deletion's exclusive end
                        batch.deleteRange(first, Arrays.copyOf(last, last.length + 1));
                    }
                    if (passedThrough) {
                        break;
                    }
                }
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw failure("delete a range", e);
            }
            size.addAndGet(-removed);
            return removed;
        });
    }

    @Override
    public long countIn(KeyRange range) {
        return whileOpen(() -> {
            if (range.isWholeRing()) {
                return size();
            }
            long count = 0;
            try (RocksIterator iterator = db.newIterator()) {
                for (RangeScan scan : RangeScan.plan(range, null)) {
                    for (seek(iterator, scan); iterator.isValid() && scan.covers(positionOf(iterator.key())); iterator.next()) {
                        count++;
                    }
                }
            }
            return count;
        });
    }

    @Override
    public long size() {
        return size.get();
    }

    /**
     * Closes RocksDB once the operations under way have ended; a transfer or sync still running at
     * shutdown gets an {@link IllegalStateException} from then on instead of a crashed process.
     */
    @Override
    public void close() {
        long stamp = lifecycle.writeLock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            db.close();
            writeOptions.close();
            options.close();
        } finally {
            lifecycle.unlockWrite(stamp);
        }
    }

    private <T> T whileOpen(Supplier<T> operation) {
        long stamp = lifecycle.readLock();
        try {
            if (closed) {
                throw new IllegalStateException("the store is closed: the node is shutting down");
            }
            return operation.get();
        } finally {
            lifecycle.unlockRead(stamp);
        }
    }

    private long countAll() {
        long count = 0;
        try (RocksIterator iterator = db.newIterator()) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                count++;
            }
        }
        return count;
    }

    /** Puts the iterator on the first entry of the scan: at its first position, or just past its cursor. */
    private static void seek(RocksIterator iterator, RangeScan scan) {
        if (scan.startAfter() == null) {
            iterator.seek(scan.first().toBytes());
            return;
        }
        byte[] after = storeKey(scan.startAfter());
        iterator.seek(after);
        if (iterator.isValid() && Arrays.equals(iterator.key(), after)) {
            iterator.next();
        }
    }

    private static byte[] storeKey(StoreCursor cursor) {
        byte[] key = cursor.key().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(Long.BYTES + key.length).putLong(cursor.position().value()).put(key).array();
    }

    private static RingPosition positionOf(byte[] storeKey) {
        return new RingPosition(ByteBuffer.wrap(storeKey, 0, Long.BYTES).getLong());
    }

    private static StoreCursor cursorOf(byte[] storeKey) {
        return new StoreCursor(positionOf(storeKey),
                new String(storeKey, Long.BYTES, storeKey.length - Long.BYTES, StandardCharsets.UTF_8));
    }

    private static Entry decode(byte[] bytes) {
        try {
            return EntryCodec.entryFromBytes(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("a stored entry is unreadable", e);
        }
    }

    private static IllegalStateException failure(String what, RocksDBException e) {
        return new IllegalStateException("the store failed to " + what + ": " + e.getMessage(), e);
    }
}
