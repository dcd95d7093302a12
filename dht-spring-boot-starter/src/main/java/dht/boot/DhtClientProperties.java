package dht.boot;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The client's settings, under {@code dht.client.*}; each also settable as an environment variable
 * ({@code DHT_CLIENT_REGISTRY_URL}, ...). One of {@code registry-url} or {@code nodes} makes the
 * starter build a client; the rest default as the client's builder does.
 *
 * @param registryUrl            the registry to learn the ring from
 * @param nodes                  nodes to learn the ring from instead, without a registry
 * @param connectTimeout         how long a connection to a node may take before the client tries the next
 * @param requestTimeout         how long the client waits for one node's answer
 * @param maxAttempts            rounds over a key's replicas before a call fails
 * @param initialBackoff         the pause before the second round, doubling each time
 * @param failoverNodes          how many of a key's replicas one round tries, the owner first
 * @param minRingRefreshInterval the least time between two reads of the ring
 * @param bearerToken            an API key, sent as {@code Authorization: Bearer} on every call
 * @param sslBundle              the SSL bundle ({@code spring.ssl.bundle.*}) of a cluster served over HTTPS
 * @param followRingEvents       whether to follow a node's ring events and read the ring as soon as it changes
 * @param cache                  the {@code @Cacheable} caches kept in the DHT
 */
@ConfigurationProperties("dht.client")
public record DhtClientProperties(
        URI registryUrl,
        List<URI> nodes,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("6s") Duration requestTimeout,
        @DefaultValue("3") int maxAttempts,
        @DefaultValue("100ms") Duration initialBackoff,
        @DefaultValue("3") int failoverNodes,
        @DefaultValue("200ms") Duration minRingRefreshInterval,
        String bearerToken,
        String sslBundle,
        @DefaultValue("false") boolean followRingEvents,
        @DefaultValue Cache cache) {

    public DhtClientProperties {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }

    /**
     * The caches of Spring's cache abstraction, each entry a key {@code <key-prefix>/<cache>/<generation>/<key>}.
     *
     * @param keyPrefix          the first segment of every cache key, apart from the application's own keys
     * @param defaultTtl         how long an entry lives unless its cache has a ttl of its own; 0 for ever
     *                           (then a {@code clear()} leaves the entries it cut off behind for good)
     * @param ttl                a ttl per cache name, say {@code dht.client.cache.ttl.quotes=30s}
     * @param serialization      how values are stored: JSON (the default) or Java serialization
     * @param trustedPackages    the packages whose classes a JSON entry may name for its value, past
     *                           the application's own packages and {@code java.*}'s value types
     * @param generationMaxAge   how long this application trusts the generation of a cache that it read
     *                           before it reads it again: how late it sees another application's {@code clear()}
     * @param allowNullValues    whether a null result is cached too
     */
    public record Cache(
            @DefaultValue("cache") String keyPrefix,
            @DefaultValue("10m") Duration defaultTtl,
            Map<String, Duration> ttl,
            @DefaultValue("json") Serialization serialization,
            List<String> trustedPackages,
            @DefaultValue("1s") Duration generationMaxAge,
            @DefaultValue("true") boolean allowNullValues) {

        public Cache {
            ttl = ttl == null ? Map.of() : Map.copyOf(ttl);
            trustedPackages = trustedPackages == null ? List.of() : List.copyOf(trustedPackages);
        }

        /** The ttl of {@code cacheName}'s entries; null for entries that never expire. */
        public Duration ttlOf(String cacheName) {
            return expiring(ttl.getOrDefault(cacheName, defaultTtl));
        }

        /** The ttl of the entries of caches without one of their own; null for entries that never expire. */
        public Duration defaultTtlOrNone() {
            return expiring(defaultTtl);
        }

        private static Duration expiring(Duration ttl) {
            return ttl == null || ttl.isZero() ? null : ttl;
        }
    }

    public enum Serialization {
        /** JSON with the value's class name: readable by any client, and no class runs code on reading. */
        JSON,
        /** Java serialization: any {@link java.io.Serializable} value, generics included, read back exactly. */
        JAVA
    }
}
