package dht.client;

import dht.client.Transport.Unreachable;
import dht.core.Ring;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The client's view of the ring: read from its {@link RingSource} on first use, then again when an
 * answer shows it stale (another owner than expected, a replica that cannot be reached) or a ring
 * event announces a change ({@link #refreshNow}). Refreshes after answers
 * are at least {@code minInterval} apart, so that a ring in the middle of a change, where answers
 * disagree with every view for a moment, does not make each request read the ring again.
 */
final class KnownRing {

    private static final System.Logger LOG = System.getLogger(KnownRing.class.getName());

    private final RingSource source;
    private final Duration minInterval;
    private final ClientMetrics metrics;
    private final AtomicReference<Ring> ring = new AtomicReference<>(Ring.empty());
    private final AtomicBoolean refreshScheduled = new AtomicBoolean();
    private final Object refreshing = new Object();
    private volatile long lastRefreshNanos;

    KnownRing(RingSource source, Duration minInterval, ClientMetrics metrics) {
        this.source = source;
        this.minInterval = minInterval;
        this.metrics = metrics;
    }

    /** The ring as last read, reading it first if the client has none yet. */
    Ring current() {
        Ring known = ring.get();
        if (!known.isEmpty()) {
            return known;
        }
        synchronized (refreshing) {
            known = ring.get();
            if (!known.isEmpty()) {
                return known;
            }
            try {
                return read();
            } catch (Unreachable e) {
                throw new UnavailableException("cannot learn the ring from " + source.describe() + ": " + e.getMessage(), false, true, e);
            }
        }
    }

    /**
     * Reads the ring again now, unless it was read less than {@code minInterval} ago; keeps the view
     * it has when the source does not answer, since a stale ring still names nodes that forward.
     */
    void refresh() {
        synchronized (refreshing) {
            if (System.nanoTime() - lastRefreshNanos < minInterval.toNanos() && !ring.get().isEmpty()) {
                return;
            }
            refreshNow();
        }
    }

    /** Reads the ring again now, however recently it was read: for a change the cluster announced. */
    void refreshNow() {
        synchronized (refreshing) {
            try {
                read();
            } catch (Unreachable e) {
                LOG.log(System.Logger.Level.DEBUG, "cannot refresh the ring from {0}: {1}", source.describe(), e.getMessage());
            }
        }
    }

    /** Refreshes on {@code executor}, once however many callers ask before it runs. */
    void refreshSoon(Executor executor) {
        if (refreshScheduled.compareAndSet(false, true)) {
            executor.execute(() -> {
                refreshScheduled.set(false);
                refresh();
            });
        }
    }

    RingSource source() {
        return source;
    }

    private Ring read() throws Unreachable {
        lastRefreshNanos = System.nanoTime();
        try {
            Ring fresh = source.fetch();
            if (fresh.isEmpty()) {
                throw new Unreachable(source.describe() + " lists no node", false, null);
            }
            ring.set(fresh);
            metrics.ringRefreshed(true);
            return fresh;
        } catch (Unreachable e) {
            metrics.ringRefreshed(false);
            throw e;
        }
    }
}
