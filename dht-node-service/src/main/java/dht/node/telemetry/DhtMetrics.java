package dht.node.telemetry;

import dht.node.storage.KeyValueStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The DHT's own meters, all named {@code dht.*} with low-cardinality tags only (never a key).
 * HTTP timings come from Spring's own {@code http.server.requests}.
 */
@Component
public class DhtMetrics {

    private final MeterRegistry registry;
    private final DistributionSummary hops;
    private final Counter transferredIn;
    private final Counter transferredOut;
    private final Counter expired;
    private final Counter tombstonesPurged;
    private final Counter hintsStored;
    private final Counter hintsDelivered;
    /** The request counters of each operation, one per outcome: looked up once, not on every request. */
    private final Map<String, Counter[]> requests = new ConcurrentHashMap<>();

    public DhtMetrics(MeterRegistry registry, KeyValueStore store) {
        this.registry = registry;
        this.hops = DistributionSummary.builder("dht.request.hops")
                .description("Forwards between nodes before a client's key request was served")
                .publishPercentileHistogram()
                .maximumExpectedValue(64.0)
                .register(registry);
        this.transferredIn = Counter.builder("dht.keys.transferred").tag("direction", "in")
                .description("Keys moved between nodes by joins and leaves").register(registry);
        this.transferredOut = Counter.builder("dht.keys.transferred").tag("direction", "out")
                .description("Keys moved between nodes by joins and leaves").register(registry);
        this.expired = Counter.builder("dht.keys.expired")
                .description("Expired values the purge turned into tombstones (their bytes freed)").register(registry);
        this.tombstonesPurged = Counter.builder("dht.tombstones.purged")
                .description("Tombstones of deletes and expired values forgotten after dht.tombstone-grace").register(registry);
        this.hintsStored = Counter.builder("dht.hints.stored")
                .description("Writes kept here for a replica that missed them (DOWN, or a copy that failed)").register(registry);
        this.hintsDelivered = Counter.builder("dht.hints.delivered")
                .description("Hints handed to their replica once it was up again, or to the key's replicas after it was removed")
                .register(registry);
        for (String reason : new String[]{"full", "expired"}) {
            hintsDropped(reason, 0);
        }
        // a ring whose every node holds every key forwards nothing, and its dashboard still shows 0 forwards
        for (String operation : new String[]{"get", "put", "delete"}) {
            registry.counter("dht.forwards", "operation", operation);
        }
        Gauge.builder("dht.keys", store, KeyValueStore::size)
                .description("Keys held by this node")
                .register(registry);
    }

    /** How a client's request that entered the ring here ended. */
    public enum Outcome {
        SUCCESS, NOT_FOUND, CLIENT_ERROR, SERVER_ERROR;

        private String tag() {
            return name().toLowerCase();
        }
    }

    /** A client's request entering the ring here ended in {@code outcome}, after {@code hopsTaken} forwards. */
    public void answered(String operation, Outcome outcome, int hopsTaken) {
        requests.computeIfAbsent(operation, this::requestCounters)[outcome.ordinal()].increment();
        hops.record(hopsTaken);
    }

    private Counter[] requestCounters(String operation) {
        return Arrays.stream(Outcome.values())
                .map(outcome -> registry.counter("dht.requests", "operation", operation, "outcome", outcome.tag()))
                .toArray(Counter[]::new);
    }

    /** A batch ({@code POST /keys/batch}) of {@code keys} keys to {@code operation} came in. */
    public void batch(String operation, int keys) {
        DistributionSummary.builder("dht.batch.keys").tag("operation", operation)
                .description("Keys per batch request")
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue(1000.0)
                .register(registry)
                .record(keys);
    }

    public void forwarded(String operation) {
        registry.counter("dht.forwards", "operation", operation).increment();
    }

    public void transferredIn(long keys) {
        transferredIn.increment(keys);
    }

    public void transferredOut(long keys) {
        transferredOut.increment(keys);
    }

    public void expired(long values) {
        expired.increment(values);
    }

    public void tombstonesPurged(long tombstones) {
        tombstonesPurged.increment(tombstones);
    }

    public void hintStored() {
        hintsStored.increment();
    }

    public void hintsDelivered(long hints) {
        hintsDelivered.increment(hints);
    }

    /** Hints forgotten undelivered: the store was {@code full}, or they were {@code expired} ({@code dht.hints.max-age}). */
    public void hintsDropped(String reason, long hints) {
        Counter.builder("dht.hints.dropped").tag("reason", reason)
                .description("Hints forgotten undelivered; anti-entropy brings their replica up to date instead")
                .register(registry).increment(hints);
    }

    /** The hints waiting for their replicas: how many, and their bytes. */
    public void watchHints(Supplier<Number> pending, Supplier<Number> bytes) {
        Gauge.builder("dht.hints.pending", pending)
                .description("Hints waiting for their replica").register(registry);
        Gauge.builder("dht.hints.pending.bytes", bytes)
                .description("Bytes of the hints waiting for their replica").baseUnit("bytes").register(registry);
    }
}
