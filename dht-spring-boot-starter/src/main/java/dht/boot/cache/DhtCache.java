package dht.boot.cache;

import dht.client.ConditionFailedException;
import dht.client.DhtClient;
import dht.client.Value;
import dht.client.WriteOptions;
import dht.core.Key;
import org.springframework.cache.support.AbstractValueAdaptingCache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * A cache of Spring's cache abstraction whose entries are DHT keys
 * {@code <prefix>/<name>/<generation>/<key>}, written with the cache's ttl.
 * <p>
 * {@link #clear()} cannot list the DHT: it moves the cache to its next generation instead, a counter
 * kept under {@code <prefix>/<name>} and raised by compare-and-set. Entries of earlier generations
 * are no longer read and go as their ttl runs out, so that a clear costs two requests however large
 * the cache. The counter never expires, lest the cache fall back to a generation it cleared. Each
 * application reads it again once it is older than {@code generationMaxAge}: that long, at most,
 * another application goes on reading entries that a clear elsewhere cut off.
 */
public class DhtCache extends AbstractValueAdaptingCache {

    private static final System.Logger LOG = System.getLogger(DhtCache.class.getName());
    private static final String TEXT = "text/plain;charset=UTF-8";

    private final String name;
    private final DhtClient client;
    private final DhtCacheConfiguration configuration;
    private final String generationKey;
    private final WriteOptions entryWrites;
    private volatile KnownGeneration knownGeneration;

    public DhtCache(String name, DhtClient client, DhtCacheConfiguration configuration) {
        super(configuration.allowNullValues());
        this.name = name;
        this.client = client;
        this.configuration = configuration;
        this.generationKey = configuration.keyPrefix() + "/" + name;
        this.entryWrites = WriteOptions.defaults().withTtl(configuration.ttl());
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public DhtClient getNativeCache() {
        return client;
    }

    public DhtCacheConfiguration configuration() {
        return configuration;
    }

    /**
     * The stored value; an entry this application cannot read (its class changed since it was
     * written, or it names a class that is not trusted) is a miss, so that the value is loaded and
     * written over it.
     */
    @Override
    protected Object lookup(Object key) {
        Optional<Value> stored = client.get(entryKey(key));
        if (stored.isEmpty()) {
            return null;
        }
        try {
            return configuration.values().deserialize(stored.get().bytes());
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "cache {0}: an entry it cannot read is taken for a miss: {1}", name, e.getMessage());
            return null;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Callable<T> valueLoader) {
        ValueWrapper cached = get(key);
        if (cached != null) {
            return (T) cached.get();
        }
        T loaded;
        try {
            loaded = valueLoader.call();
        } catch (Exception e) {
            throw new ValueRetrievalException(key, valueLoader, e);
        }
        put(key, loaded);
        return loaded;
    }

    @Override
    public void put(Object key, Object value) {
        client.put(entryKey(key), serialize(value), configuration.values().contentType(), entryWrites);
    }

    /**
     * Stores the value only if the key has none, atomically (the key's owner decides); answers the
     * value it found otherwise. The client's conditional write takes no ttl yet, so a cache with a
     * ttl writes the same value again with its ttl once the condition held.
     */
    @Override
    public ValueWrapper putIfAbsent(Object key, Object value) {
        String entryKey = entryKey(key);
        byte[] bytes = serialize(value);
        try {
            client.putIfAbsent(entryKey, bytes, configuration.values().contentType());
        } catch (ConditionFailedException e) {
            return get(key);
        }
        if (entryWrites.ttl() != null) {
            client.put(entryKey, bytes, configuration.values().contentType(), entryWrites);
        }
        return null;
    }

    @Override
    public void evict(Object key) {
        client.delete(entryKey(key));
    }

    @Override
    public boolean evictIfPresent(Object key) {
        return client.delete(entryKey(key));
    }

    /**
     * Moves the cache to its next generation. Should another application move it first, its clear
     * came after this one began and stands for both.
     */
    @Override
    public void clear() {
        Optional<Value> current = client.get(generationKey);
        long next = current.map(DhtCache::generationOf).orElse(0L) + 1;
        byte[] bytes = Long.toString(next).getBytes(StandardCharsets.UTF_8);
        try {
            if (current.isPresent()) {
                client.replace(generationKey, bytes, TEXT, current.get().version());
            } else {
                client.putIfAbsent(generationKey, bytes, TEXT);
            }
            knownGeneration = new KnownGeneration(next, System.nanoTime());
        } catch (ConditionFailedException e) {
            knownGeneration = null;
        }
    }

    /** The DHT key of {@code key}'s entry in the current generation. */
    String entryKey(Object key) {
        String prefix = generationKey + "/" + generation() + "/";
        String own = configuration.keys().serialize(key);
        String whole = prefix + own;
        // a key too long for the DHT is named by its hash; at 32 bytes of SHA-256, no two collide
        return whole.getBytes(StandardCharsets.UTF_8).length <= Key.MAX_BYTES ? whole : prefix + "sha256-" + sha256(own);
    }

    private byte[] serialize(Object value) {
        return configuration.values().serialize(toStoreValue(value));
    }

    private long generation() {
        KnownGeneration known = knownGeneration;
        Duration maxAge = configuration.generationMaxAge();
        if (known != null && System.nanoTime() - known.readAtNanos() < maxAge.toNanos()) {
            return known.generation();
        }
        long generation = client.get(generationKey).map(DhtCache::generationOf).orElse(0L);
        knownGeneration = new KnownGeneration(generation, System.nanoTime());
        return generation;
    }

    private static long generationOf(Value value) {
        try {
            return Long.parseLong(value.asString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("the generation of a cache is a number, not '" + value.asString() + "'", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private record KnownGeneration(long generation, long readAtNanos) {
    }
}
