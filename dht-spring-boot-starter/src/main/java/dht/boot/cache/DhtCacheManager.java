package dht.boot.cache;

import dht.client.DhtClient;
import org.springframework.cache.Cache;
import org.springframework.cache.support.AbstractCacheManager;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;

/**
 * The caches of Spring's cache abstraction, kept in the DHT: each one made on first use with the
 * default configuration, unless it has one of its own (a ttl of its own, say).
 */
public class DhtCacheManager extends AbstractCacheManager {

    private final DhtClient client;
    private final DhtCacheConfiguration defaults;
    private final Map<String, DhtCacheConfiguration> ownConfigurations;

    public DhtCacheManager(DhtClient client, DhtCacheConfiguration defaults, Map<String, DhtCacheConfiguration> ownConfigurations) {
        this.client = Objects.requireNonNull(client, "client");
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.ownConfigurations = Map.copyOf(ownConfigurations);
    }

    @Override
    protected Collection<? extends Cache> loadCaches() {
        return ownConfigurations.entrySet().stream().map(cache -> new DhtCache(cache.getKey(), client, cache.getValue())).toList();
    }

    @Override
    protected Cache getMissingCache(String name) {
        return new DhtCache(name, client, defaults);
    }
}
