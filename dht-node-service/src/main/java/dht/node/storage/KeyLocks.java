package dht.node.storage;

import java.util.Collection;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Striped per-key locks, so that a client's write and a transferred copy of the same key are
 * decided one after the other, never interleaved.
 */
public final class KeyLocks {

    private final ReentrantLock[] stripes;

    public KeyLocks(int stripeCount) {
        stripes = new ReentrantLock[stripeCount];
        for (int i = 0; i < stripeCount; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /**
     * Runs {@code action} holding the locks of all {@code keys}, taken in stripe order so that two
     * callers never wait for each other.
     */
    public <T> T withLocks(Collection<String> keys, Supplier<T> action) {
        int[] held = keys.stream().mapToInt(this::stripeOf).distinct().sorted().toArray();
        int locked = 0;
        try {
            for (int stripe : held) {
                stripes[stripe].lock();
                locked++;
            }
            return action.get();
        } finally {
            for (int i = locked - 1; i >= 0; i--) {
                stripes[held[i]].unlock();
            }
        }
    }

    private int stripeOf(String key) {
        return Math.floorMod(key.hashCode(), stripes.length);
    }

    public <T> T withLock(String key, Supplier<T> action) {
        ReentrantLock stripe = stripes[stripeOf(key)];
        stripe.lock();
        try {
            return action.get();
        } finally {
            stripe.unlock();
        }
    }

    /** Whether the calling thread holds any key's lock: nothing that waits on another node may run then. */
    public boolean heldByCurrentThread() {
        for (ReentrantLock stripe : stripes) {
            if (stripe.isHeldByCurrentThread()) {
                return true;
            }
        }
        return false;
    }
}
