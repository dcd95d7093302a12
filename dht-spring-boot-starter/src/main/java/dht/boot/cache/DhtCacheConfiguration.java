package dht.boot.cache;

import java.time.Duration;
import java.util.Objects;

/**
 * How one cache keeps its entries in the DHT.
 *
 * @param keyPrefix        the first segment of the cache's keys
 * @param ttl              how long an entry lives; null for ever
 * @param values           how values become bytes
 * @param keys             how a cache key becomes the last segment of a DHT key
 * @param generationMaxAge how long the cache trusts the generation it read before it reads it again
 * @param allowNullValues  whether a null is cached too
 */
public record DhtCacheConfiguration(String keyPrefix, Duration ttl, CacheValueSerializer values, CacheKeySerializer keys,
                                    Duration generationMaxAge, boolean allowNullValues) {

    public DhtCacheConfiguration {
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(generationMaxAge, "generationMaxAge");
        if (ttl != null && ttl.toSeconds() < 1) {
            throw new IllegalArgumentException("a cache's ttl is at least one second (or none), got " + ttl);
        }
    }

    public DhtCacheConfiguration withTtl(Duration ttl) {
        return new DhtCacheConfiguration(keyPrefix, ttl, values, keys, generationMaxAge, allowNullValues);
    }
}
