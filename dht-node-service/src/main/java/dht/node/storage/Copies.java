package dht.node.storage;

import dht.core.HybridClock;
import dht.core.wire.CopyAnswer;
import dht.core.wire.Entry;
import dht.core.wire.Wanted;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Takes in copies of entries from other nodes (replica writes, anti-entropy, key transfers): each
 * key's lock held, the newer version kept, and this node's clock moved past every version seen,
 * so that a later local write of the key is stamped newer than the copy; and answers other nodes'
 * reads of its copies. What it stores, but for key transfers, and the writes this node coordinates
 * as the key's owner ({@link #write}), it tells {@link AppliedWrites} of, for the watches on keys.
 */
@Component
public class Copies {

    private final KeyValueStore store;
    private final KeyLocks locks;
    private final HybridClock clock;
    private final AppliedWrites applied;

    public Copies(KeyValueStore store, KeyLocks locks, HybridClock clock) {
        this(store, locks, clock, AppliedWrites.NONE);
    }

    @Autowired
    public Copies(KeyValueStore store, KeyLocks locks, HybridClock clock, AppliedWrites applied) {
        this.store = store;
        this.locks = locks;
        this.clock = clock;
        this.applied = applied;
    }

    /** Stores a write this node stamped, as the key's owner; the caller holds the key's lock. */
    public void write(Entry entry) {
        store.put(entry);
        applied.applied(entry);
    }

    /** Stores each copy unless a newer version of its key is here; answers how many it stored. */
    public int keepNewer(List<Entry> copies) {
        return keepNewer(copies, key -> true, applied);
    }

    /**
     * The newer of this node's copy of a key and one read elsewhere; a newer one from elsewhere also
     * replaces this node's (read repair).
     */
    public Optional<Entry> newerOf(Optional<Entry> local, Optional<Entry> elsewhere) {
        Optional<Entry> newest = Entry.newer(local, elsewhere);
        if (newest.isPresent() && newest != local) {
            keepNewer(List.of(newest.get()));
        }
        return newest;
    }

    /** This node's copies of keys, each answered against the version the asker holds ({@link CopyAnswer#of}). */
    public List<CopyAnswer> answer(List<Wanted> wanted) {
        return wanted.stream().map(one -> CopyAnswer.of(store.get(one.key()), one.known())).toList();
    }

    /**
     * As {@link #keepNewer(List)}, for the keys {@code wanted} accepts while their locks are held: a
     * key transfer's, which moves keys without changing them.
     */
    public int keepNewer(List<Entry> copies, Predicate<String> wanted) {
        return keepNewer(copies, wanted, AppliedWrites.NONE);
    }

    private int keepNewer(List<Entry> copies, Predicate<String> wanted, AppliedWrites told) {
        copies.forEach(copy -> clock.observe(copy.version().timestamp()));
        return locks.withLocks(copies.stream().map(Entry::key).toList(), () -> {
            List<Entry> stored = store.storeNewer(copies.stream().filter(copy -> wanted.test(copy.key())).toList());
            stored.forEach(told::applied);
            return stored.size();
        });
    }
}
