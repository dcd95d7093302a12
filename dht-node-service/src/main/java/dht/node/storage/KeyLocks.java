package dht.node.storage;

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

    public <T> T withLock(String key, Supplier<T> action) {
        ReentrantLock stripe = stripes[Math.floorMod(key.hashCode(), stripes.length)];
        stripe.lock();
        try {
            return action.get();
        } finally {
            stripe.unlock();
        }
    }
}
