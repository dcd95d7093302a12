package dht.boot.cache;

/**
 * How a cache turns its values into a key's bytes and back. A value is what the cache stores: the
 * application's object, or {@link org.springframework.cache.support.NullValue#INSTANCE} for a
 * cached null.
 */
public interface CacheValueSerializer {

    /** The {@code Content-Type} the bytes are stored with. */
    String contentType();

    byte[] serialize(Object value);

    /**
     * The value the bytes hold.
     *
     * @throws IllegalArgumentException when the bytes are not a value this serializer wrote, or name
     *                                  a class it does not trust
     */
    Object deserialize(byte[] bytes);
}
