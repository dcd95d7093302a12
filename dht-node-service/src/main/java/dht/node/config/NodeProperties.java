package dht.node.config;

import dht.core.RingPosition;
import dht.core.wire.EntryCodec;
import dht.core.wire.RegisterRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The node's settings, under {@code dht.*}; each also settable as an environment variable
 * ({@code DHT_REGISTRY_URL}, ...).
 *
 * @param registryUrl         where the registry answers
 * @param advertisedAddress   {@code host:port} other nodes reach this one at; by default
 *                            {@code localhost:${server.port}}
 * @param nodeId              a pinned ring position (16 hex digits) instead of the address's hash
 * @param maxValueBytes       the largest value a key may hold
 * @param requestTimeout      no request waits longer for another node than this
 * @param connectTimeout      how long to wait for a connection to another node
 * @param maxHops             a request forwarded this often is refused as looping
 * @param transferBatchSize   entries per key-transfer round
 * @param transferBatchBytes  bytes of values per key-transfer round (at least one entry)
 * @param retryInterval       pause between attempts to join, or to resume a broken transfer
 * @param leaveTimeout        how long a leaving node waits for its keys to be taken over
 * @param ringRefreshInterval how often the node refreshes its view of the whole ring from the registry
 * @param probeInterval       how often a node probes its successor
 * @param probeTimeout        how long a probe waits for an answer
 * @param failureThreshold    unanswered probes in a row after which the successor is declared dead
 * @param replicationFactor   copies of each key: on its owner and the nodes before it, which take over its range
 * @param writeQuorum         copies stored before a write is acknowledged; by default a majority
 * @param readQuorum          copies consulted by a read, the newest answering; by default a majority
 * @param antiEntropyInterval how often a node reconciles its range with its replicas
 * @param tombstoneGrace      how long a delete's tombstone is kept, so that every replica learns of
 *                            the delete before it is forgotten; a node down for longer must rejoin
 *                            with an empty data dir, or deleted keys could come back
 * @param leaveOnShutdown     whether SIGTERM (or any shutdown) makes the node leave the ring, handing
 *                            its keys over; by default it stops in place instead: DOWN, still a member
 *                            at its positions, and started again on its data dir it takes them back,
 *                            moving only what changed meanwhile ({@code POST /admin/leave} always leaves)
 * @param dataDir             where the node keeps its keys on disk
 * @param storage             which store holds the keys
 * @param virtualNodes        how many ring positions the node stands at: its ID and {@code virtual-nodes - 1}
 *                            more, so that a few nodes share the keys evenly (8 by default); the registry
 *                            allocates them, or with seed nodes the node itself, the same way, on the
 *                            ring it walks
 * @param seedNodes           {@code host:port} of running nodes to join through instead of the
 *                            registry; a seed that lists itself starts a new ring when no other
 *                            seed answers
 * @param hints               the writes kept for replicas that missed them (hinted handoff)
 */
@Validated
@ConfigurationProperties("dht")
public record NodeProperties(
        @NotNull @DefaultValue("http://localhost:50000") URI registryUrl,
        String advertisedAddress,
        RingPosition nodeId,
        @NotNull @DefaultValue("1MB") DataSize maxValueBytes,
        @NotNull @DefaultValue("5s") Duration requestTimeout,
        @NotNull @DefaultValue("1s") Duration connectTimeout,
        @Min(1) @DefaultValue("32") int maxHops,
        @Min(1) @Max(EntryCodec.MAX_BATCH_ENTRIES) @DefaultValue("1000") int transferBatchSize,
        @NotNull @DefaultValue("4MB") DataSize transferBatchBytes,
        @NotNull @DefaultValue("1s") Duration retryInterval,
        @NotNull @DefaultValue("60s") Duration leaveTimeout,
        @NotNull @DefaultValue("2s") Duration ringRefreshInterval,
        @NotNull @DefaultValue("1s") Duration probeInterval,
        @NotNull @DefaultValue("500ms") Duration probeTimeout,
        @Min(1) @DefaultValue("3") int failureThreshold,
        @Min(1) @DefaultValue("3") int replicationFactor,
        @Min(1) Integer writeQuorum,
        @Min(1) Integer readQuorum,
        @NotNull @DefaultValue("30s") Duration antiEntropyInterval,
        @NotNull @DefaultValue("24h") Duration tombstoneGrace,
        @DefaultValue("false") boolean leaveOnShutdown,
        @NotNull @DefaultValue("data/node") Path dataDir,
        @Valid @NotNull @DefaultValue Storage storage,
        @Min(1) @Max(RegisterRequest.MAX_VIRTUAL_NODES) Integer virtualNodes,
        @NotNull @DefaultValue List<@Pattern(regexp = RegisterRequest.ADDRESS, message = "must be host:port") String> seedNodes,
        @Valid @NotNull @DefaultValue Hints hints) {

    /**
     * @param type       {@code rocksdb} (on disk under {@code dht.data-dir}, the default) or
     *                   {@code memory} (gone with the process: for tests)
     * @param syncWrites whether each write waits for the disk, surviving a machine crash and not
     *                   only a killed process
     */
    public record Storage(@NotNull @DefaultValue("rocksdb") StorageType type, @DefaultValue("false") boolean syncWrites) {
    }

    public enum StorageType { ROCKSDB, MEMORY }

    /**
     * @param maxBytes         how much a node keeps for replicas that missed writes, all of them together;
     *                         past it a hint is dropped, and anti-entropy brings the replica up to date instead
     * @param maxAge           how long a hint is kept for a replica that does not come back; never longer than
     *                         {@code dht.tombstone-grace}, or a late hint could bring back a value whose delete
     *                         the others have forgotten
     * @param deliveryInterval how often a node hands its hints to the replicas that are up again (also at once
     *                         when it hears one is back)
     */
    public record Hints(@NotNull @DefaultValue("256MB") DataSize maxBytes,
                        @NotNull @DefaultValue("3h") Duration maxAge,
                        @NotNull @DefaultValue("10s") Duration deliveryInterval) {
    }

    /** How long a hint is kept: {@code dht.hints.max-age}, and never past {@code dht.tombstone-grace}. */
    public Duration hintMaxAge() {
        return hints.maxAge().compareTo(tombstoneGrace) < 0 ? hints.maxAge() : tombstoneGrace;
    }

    /**
     * Positions a registry-joined node stands at unless told otherwise: with one position per node
     * the quick-start ring of 3 put 73% of the keys on one node; with 8, no node of 5 holds more
     * than 1.25 times the mean (bench/README.md).
     */
    public static final int DEFAULT_VIRTUAL_NODES = 8;

    /** How many ring positions the node stands at, its ID's included. */
    public int positions() {
        return virtualNodes != null ? virtualNodes : DEFAULT_VIRTUAL_NODES;
    }

    /** The write quorum as configured, else a majority of the replication factor. */
    public int effectiveWriteQuorum() {
        return writeQuorum != null ? Math.min(writeQuorum, replicationFactor) : replicationFactor / 2 + 1;
    }

    /** The read quorum as configured, else a majority of the replication factor. */
    public int effectiveReadQuorum() {
        return readQuorum != null ? Math.min(readQuorum, replicationFactor) : replicationFactor / 2 + 1;
    }

    public int maxValueBytesAsInt() {
        return (int) Math.min(Integer.MAX_VALUE - 8, maxValueBytes.toBytes());
    }
}
