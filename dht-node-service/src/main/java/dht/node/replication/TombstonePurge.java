package dht.node.replication;

import dht.core.HybridClock;
import dht.core.KeyRange;
import dht.core.RingPosition;
import dht.core.wire.Entry;
import dht.node.config.NodeProperties;
import dht.node.storage.KeyLocks;
import dht.node.storage.KeyValueStore;
import dht.node.time.NodeScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Forgets deletes once {@code dht.tombstone-grace} has passed: by then anti-entropy has carried
 * each tombstone to every replica, so that no older copy of the value can come back.
 */
@Component
public class TombstonePurge {

    private static final Logger log = LoggerFactory.getLogger(TombstonePurge.class);

    private final KeyValueStore store;
    private final KeyLocks locks;
    private final NodeProperties properties;
    private final Clock clock;

    @Autowired
    TombstonePurge(KeyValueStore store, KeyLocks locks, NodeProperties properties, NodeScheduler scheduler) {
        this(store, locks, properties, Clock.systemUTC());
        // a purge reads the whole store: often enough that a tombstone outlives its grace by at most a 24th of it
        Duration every = Collections.max(List.of(properties.antiEntropyInterval(), properties.tombstoneGrace().dividedBy(24)));
        scheduler.runEvery(every, "tombstone-purge", this::purge);
    }

    TombstonePurge(KeyValueStore store, KeyLocks locks, NodeProperties properties, Clock clock) {
        this.store = store;
        this.locks = locks;
        this.properties = properties;
        this.clock = clock;
    }

    /** Removes every tombstone older than the grace period; answers how many. */
    long purge() {
        long cutoff = clock.millis() - properties.tombstoneGrace().toMillis();
        AtomicLong purged = new AtomicLong();
        store.forEachPage(KeyRange.wholeRing(RingPosition.MIN), properties.transferBatchSize(), page -> {
            for (Entry entry : page) {
                if (entry.tombstone() && HybridClock.wallMillisOf(entry.version().timestamp()) < cutoff && purgeIfUnchanged(entry)) {
                    purged.incrementAndGet();
                }
            }
        });
        if (purged.get() > 0) {
            log.info("purged {} tombstones older than {} (dht.tombstone-grace)", purged.get(), properties.tombstoneGrace());
        }
        return purged.get();
    }

    /** Removes the tombstone unless a write came in since the scan. */
    private boolean purgeIfUnchanged(Entry tombstone) {
        return locks.withLock(tombstone.key(), () -> store.get(tombstone.key())
                .filter(held -> held.tombstone() && held.version().equals(tombstone.version()))
                .map(held -> store.remove(tombstone.key()).isPresent())
                .orElse(false));
    }
}
