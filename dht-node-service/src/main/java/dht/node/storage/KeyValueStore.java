package dht.node.storage;

import dht.core.KeyRange;
import dht.core.wire.Entry;
import dht.core.wire.StoreCursor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where a node keeps its entries, ordered by key position (then key) so that a range of the ring
 * can be read page by page and handed over.
 */
public interface KeyValueStore extends AutoCloseable {

    Optional<Entry> get(String key);

    /** Stores the entry; answers the one it replaced. */
    Optional<Entry> put(Entry entry);

    /**
     * Stores the entry unless the store holds a newer version of the key; answers whether it did.
     * Callers serialize writes of one key ({@link KeyLocks}).
     */
    default boolean putIfNewer(Entry entry) {
        Optional<Entry> held = get(entry.key());
        if (held.isPresent() && !entry.supersedes(held.get())) {
            return false;
        }
        put(entry);
        return true;
    }

    /**
     * Stores each entry unless the store holds a newer version of its key, all in one write;
     * answers the entries it stored. The keys are distinct, and the caller holds their locks
     * ({@link KeyLocks#withLocks}).
     */
    default List<Entry> storeNewer(List<Entry> entries) {
        List<Entry> stored = new ArrayList<>();
        for (Entry entry : entries) {
            if (putIfNewer(entry)) {
                stored.add(entry);
            }
        }
        return stored;
    }

    /** Removes the key; answers the entry it held. */
    Optional<Entry> remove(String key);

    /** Up to {@code limit} entries of {@code range} after {@code after} (from its start when null), clockwise. */
    List<Entry> scan(KeyRange range, StoreCursor after, int limit);

    /** Hands every entry of {@code range} to {@code page}, {@code pageSize} at a time, clockwise. */
    default void forEachPage(KeyRange range, int pageSize, Consumer<List<Entry>> page) {
        StoreCursor after = null;
        while (true) {
            List<Entry> entries = scan(range, after, pageSize);
            if (!entries.isEmpty()) {
                page.accept(entries);
            }
            if (entries.size() < pageSize) {
                return;
            }
            after = entries.getLast().cursor();
        }
    }

    /**
     * Removes the entries of {@code range} after {@code after} (from its start when null) up to and
     * including {@code through}; answers how many.
     */
    long removeThrough(KeyRange range, StoreCursor after, StoreCursor through);

    long countIn(KeyRange range);

    long size();

    /** Releases what the store holds open; nothing to do for a store in memory. */
    @Override
    default void close() {
    }
}
