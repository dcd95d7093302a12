package dht.node.replication;

import dht.core.KeyRange;
import dht.core.RingPosition;
import dht.core.wire.Entry;
import dht.node.config.NodeProperties;
import dht.node.storage.KeyLocks;
import dht.node.storage.KeyValueStore;
import dht.node.telemetry.DhtMetrics;
import dht.node.time.NodeScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Forgets deletes once {@code dht.tombstone-grace} has passed: by then anti-entropy has carried
 * each tombstone to every replica, so that no older copy of the value can come back. An expired
 * value is a delete too: it becomes a tombstone of its version (its bytes go), which is forgotten
 * once the grace has passed since it expired. Were an expired value simply dropped, a replica still
 * holding an older permanent version of the key would hand that back to the others.
 */
@Component
public class TombstonePurge {

    private static final Logger log = LoggerFactory.getLogger(TombstonePurge.class);

    private final KeyValueStore store;
    private final KeyLocks locks;
    private final NodeProperties properties;
    private final NodeScheduler scheduler;
    private final DhtMetrics metrics;

    public TombstonePurge(KeyValueStore store, KeyLocks locks, NodeProperties properties, NodeScheduler scheduler, DhtMetrics metrics) {
        this.store = store;
        this.locks = locks;
        this.properties = properties;
        this.scheduler = scheduler;
        this.metrics = metrics;
        // a purge reads the whole store: often enough that a tombstone outlives its grace by at most a 24th of it
        Duration every = Collections.max(List.of(properties.antiEntropyInterval(), properties.tombstoneGrace().dividedBy(24)));
        scheduler.runEvery(every, "tombstone-purge", this::purge);
    }

    /**
     * Removes every tombstone, and every expired value, gone for longer than the grace period, and
     * turns the other expired values into tombstones; answers how many entries it removed.
     */
    long purge() {
        Instant now = scheduler.now();
        Instant cutoff = now.minus(properties.tombstoneGrace());
        AtomicLong purged = new AtomicLong();
        AtomicLong expired = new AtomicLong();
        store.forEachPage(KeyRange.wholeRing(RingPosition.MIN), properties.transferBatchSize(), page -> {
            for (Entry entry : page) {
                Optional<Instant> goneSince = entry.goneSince(now);
                if (goneSince.isEmpty()) {
                    continue;
                }
                if (goneSince.get().isBefore(cutoff)) {
                    if (replaceIfUnchanged(entry, Optional.empty())) {
                        purged.incrementAndGet();
                    }
                } else if (!entry.tombstone() && replaceIfUnchanged(entry, Optional.of(entry.asTombstone()))) {
                    expired.incrementAndGet();
                }
            }
        });
        metrics.tombstonesPurged(purged.get());
        metrics.expired(expired.get());
        if (purged.get() > 0 || expired.get() > 0) {
            log.info("purged {} tombstones and expired values gone for longer than {} (dht.tombstone-grace); {} expired values "
                    + "became tombstones", purged.get(), properties.tombstoneGrace(), expired.get());
        }
        return purged.get();
    }

    /** Replaces the scanned entry with {@code replacement}, or removes it, unless a write came in since the scan. */
    private boolean replaceIfUnchanged(Entry scanned, Optional<Entry> replacement) {
        return locks.withLock(scanned.key(), () -> store.get(scanned.key())
                .filter(held -> held.version().equals(scanned.version()) && held.tombstone() == scanned.tombstone())
                .map(held -> {
                    replacement.ifPresentOrElse(store::put, () -> store.remove(scanned.key()));
                    return true;
                })
                .orElse(false));
    }
}
