package dht.boot.cache;

/**
 * How a cache key (a method argument, or Spring's {@code SimpleKey} of several) becomes the last
 * segment of a DHT key. The default is its {@code toString()}; keys whose {@code toString()} is not
 * unique per value need one of their own, declared as a bean.
 */
@FunctionalInterface
public interface CacheKeySerializer {

    CacheKeySerializer TO_STRING = String::valueOf;

    String serialize(Object key);
}
