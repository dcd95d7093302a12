package dht.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Locale;

/**
 * The client's meters, named {@code dht.client.*} with low-cardinality tags only (never a key):
 * {@code dht.client.requests} (a timer by {@code operation} and {@code outcome}),
 * {@code dht.client.failovers} (requests sent on to another node after one failed, by
 * {@code operation}), {@code dht.client.hops} (forwards between nodes per answer),
 * {@code dht.client.owner.mismatches} (answers naming another owner than the client's view) and
 * {@code dht.client.ring.refreshes} (by {@code outcome}), {@code dht.client.batches} (a timer by
 * {@code operation} and {@code outcome}) and, when the client follows ring events,
 * {@code dht.client.ring.events} (by {@code type}).
 */
final class ClientMetrics {

    /** How a call ended, as the {@code outcome} tag. */
    enum Outcome {
        SUCCESS, NOT_FOUND, CONDITION_FAILED, INVALID, DENIED, UNAVAILABLE, UNEXPECTED;

        /** The outcome a call that failed with {@code failure} ended in. */
        static Outcome of(DhtException failure) {
            return switch (failure) {
                case ConditionFailedException conditionFailed -> CONDITION_FAILED;
                case InvalidRequestException invalid -> INVALID;
                case AccessDeniedException denied -> DENIED;
                case UnavailableException unavailable -> UNAVAILABLE;
                case UnexpectedAnswerException unexpected -> UNEXPECTED;
            };
        }

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final DistributionSummary hops;
    private final Counter ownerMismatches;

    ClientMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.hops = DistributionSummary.builder("dht.client.hops")
                .description("Forwards between nodes before a request was served")
                .register(registry);
        this.ownerMismatches = Counter.builder("dht.client.owner.mismatches")
                .description("Answers naming another owner of the key than the client's view of the ring")
                .register(registry);
    }

    Timer.Sample start() {
        return Timer.start(registry);
    }

    void finished(Timer.Sample sample, KeyCall.Operation operation, Outcome outcome) {
        stop(sample, "dht.client.requests", "Calls of the client, retries and failovers included", operation, outcome);
    }

    void failedOver(KeyCall.Operation operation) {
        Counter.builder("dht.client.failovers")
                .description("Requests sent on to the next node of the key after one failed")
                .tag("operation", operation.tag())
                .register(registry)
                .increment();
    }

    /**
     * A batch ({@code POST /keys/batch}) that a node answered with its keys' results
     * ({@code success}), or that went key by key ({@code unavailable}), or that failed the call.
     */
    void batchFinished(Timer.Sample sample, KeyCall.Operation operation, Outcome outcome) {
        stop(sample, "dht.client.batches", "Batches the client sent, each to the node that owns its keys", operation, outcome);
    }

    private void stop(Timer.Sample sample, String timer, String description, KeyCall.Operation operation, Outcome outcome) {
        sample.stop(Timer.builder(timer)
                .description(description)
                .tag("operation", operation.tag())
                .tag("outcome", outcome.tag())
                .register(registry));
    }

    void answered(int hopCount) {
        if (hopCount >= 0) {
            hops.record(hopCount);
        }
    }

    void ownerMismatch() {
        ownerMismatches.increment();
    }

    void ringEvent(String type) {
        Counter.builder("dht.client.ring.events")
                .description("Ring events received from the node the client follows")
                .tag("type", type)
                .register(registry)
                .increment();
    }

    void ringRefreshed(boolean succeeded) {
        Counter.builder("dht.client.ring.refreshes")
                .description("Reads of the ring from the registry or the nodes")
                .tag("outcome", succeeded ? "success" : "failure")
                .register(registry)
                .increment();
    }
}
