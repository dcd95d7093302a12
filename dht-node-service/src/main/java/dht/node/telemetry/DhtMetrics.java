package dht.node.telemetry;

import dht.node.storage.KeyValueStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

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
        Gauge.builder("dht.keys", store, KeyValueStore::size)
                .description("Keys held by this node")
                .register(registry);
    }

    /** A client's request entering the ring here was answered with {@code status}. */
    public void answered(String operation, int status, String hopsHeader) {
        registry.counter("dht.requests", "operation", operation, "outcome", outcome(status)).increment();
        if (hopsHeader != null) {
            try {
                hops.record(Integer.parseInt(hopsHeader));
            } catch (NumberFormatException ignored) {
                // a peer's malformed header says nothing about hops
            }
        }
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

    private static String outcome(int status) {
        if (status == 404) {
            return "not_found";
        }
        if (status < 400) {
            return "success";
        }
        return status < 500 ? "client_error" : "server_error";
    }
}
