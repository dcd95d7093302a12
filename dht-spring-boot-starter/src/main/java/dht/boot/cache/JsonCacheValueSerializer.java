package dht.boot.cache;

import org.springframework.cache.support.NullValue;
import org.springframework.util.ClassUtils;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.JsonNodeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Values as JSON, with the name of the value's class beside it ({@code {"type": ..., "value": ...}}):
 * {@code @Cacheable} reads an entry back without knowing the method's return type. A class is read
 * back only if its package is trusted ({@link TrustedTypes}). A list, set or map is read back as
 * one, its elements as JSON types (maps, lists, strings, numbers): cache a record that holds the
 * collection, or use Java serialization, to have typed elements back.
 */
public final class JsonCacheValueSerializer implements CacheValueSerializer {

    private static final String TYPE = "type";
    private static final String VALUE = "value";

    private final JsonMapper json;
    private final TrustedTypes trusted;
    private final ClassLoader classLoader;

    /**
     * @param trustedPackages the packages whose classes an entry may name, past {@code java.*}'s value types
     */
    public JsonCacheValueSerializer(JsonMapper json, List<String> trustedPackages, ClassLoader classLoader) {
        // the application's mapper, but keeping decimals as written: a cached 187.20 reads back as 187.20, not 187.2
        this.json = Objects.requireNonNull(json, "json").rebuild()
                .enable(JsonNodeFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
                .build();
        this.trusted = new TrustedTypes(trustedPackages);
        this.classLoader = classLoader;
    }

    @Override
    public String contentType() {
        return "application/json";
    }

    @Override
    public byte[] serialize(Object value) {
        ObjectNode entry = json.createObjectNode();
        if (value == NullValue.INSTANCE) {
            entry.putNull(TYPE);
        } else {
            entry.put(TYPE, typeName(value));
            entry.set(VALUE, json.valueToTree(value));
        }
        return json.writeValueAsBytes(entry);
    }

    @Override
    public Object deserialize(byte[] bytes) {
        JsonNode entry;
        try {
            entry = json.readTree(bytes);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("a cache entry that is not JSON", e);
        }
        if (entry == null || !entry.isObject() || !entry.has(TYPE)) {
            throw new IllegalArgumentException("a cache entry without the type of its value");
        }
        if (entry.get(TYPE).isNull()) {
            return NullValue.INSTANCE;
        }
        String typeName = entry.get(TYPE).asString();
        if (!trusted.trusts(typeName)) {
            throw new IllegalArgumentException("a cache entry of " + typeName + ", which is in none of the trusted packages "
                    + trusted.packages() + " (dht.client.cache.trusted-packages)");
        }
        try {
            return json.treeToValue(entry.get(VALUE), ClassUtils.forName(typeName, classLoader));
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("a cache entry of " + typeName + ", which this application does not have", e);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("a cache entry that is no " + typeName + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The value's class; for a collection the interface, since the JDK's immutable ones cannot be created by name. */
    private static String typeName(Object value) {
        return switch (value) {
            case List<?> list -> List.class.getName();
            case Set<?> set -> Set.class.getName();
            case Collection<?> collection -> Collection.class.getName();
            case Map<?, ?> map -> Map.class.getName();
            default -> value.getClass().getName();
        };
    }
}
