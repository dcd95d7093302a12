package dht.boot;

import dht.client.ConditionFailedException;
import dht.client.DhtClient;
import dht.client.Value;
import dht.client.Versioned;
import dht.client.WriteOptions;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The DHT for application code: values as text, bytes, or objects as JSON through the application's
 * own JSON mapper; absent keys as empty {@link Optional}s; an optional ttl per write. Everything
 * else (quorums, versions, compare-and-set) is one {@link #client()} call away.
 *
 * <pre>{@code
 * dht.put("session/" + id, session, Duration.ofMinutes(30));
 * Optional<Session> session = dht.get("session/" + id, Session.class);
 * }</pre>
 *
 * Failures are the client's {@link dht.client.DhtException}s.
 */
public class DhtTemplate {

    private static final String TEXT = "text/plain;charset=UTF-8";
    private static final String BYTES = "application/octet-stream";
    private static final String JSON = "application/json";

    private final DhtClient client;
    private final JsonMapper json;

    public DhtTemplate(DhtClient client, JsonMapper json) {
        this.client = Objects.requireNonNull(client, "client");
        this.json = Objects.requireNonNull(json, "json");
    }

    /** The client underneath, for versions, quorums and conditional writes. */
    public DhtClient client() {
        return client;
    }

    // ---- reads ----

    public Optional<String> getString(String key) {
        return client.get(key).map(Value::asString);
    }

    public Optional<byte[]> getBytes(String key) {
        return client.get(key).map(Value::bytes);
    }

    /** The key's JSON value read as {@code type}. */
    public <T> Optional<T> get(String key, Class<T> type) {
        return client.get(key).map(value -> json.readValue(value.bytes(), type));
    }

    // ---- writes: each with no expiry, or with a ttl ----

    public Versioned putString(String key, String value) {
        return putString(key, value, null);
    }

    public Versioned putString(String key, String value, Duration ttl) {
        return write(key, Objects.requireNonNull(value, "value").getBytes(StandardCharsets.UTF_8), TEXT, ttl);
    }

    public Versioned putBytes(String key, byte[] value) {
        return putBytes(key, value, null);
    }

    public Versioned putBytes(String key, byte[] value, Duration ttl) {
        return write(key, value, BYTES, ttl);
    }

    /** Stores {@code value} as JSON. */
    public Versioned put(String key, Object value) {
        return put(key, value, null);
    }

    public Versioned put(String key, Object value, Duration ttl) {
        return write(key, json.writeValueAsBytes(value), JSON, ttl);
    }

    /** Stores {@code value} as JSON only if the key has none; false when it had one (nothing was written). */
    public boolean putIfAbsent(String key, Object value) {
        try {
            client.putIfAbsent(key, json.writeValueAsBytes(value), JSON);
            return true;
        } catch (ConditionFailedException e) {
            return false;
        }
    }

    /** Deletes the key's value; false when it had none. */
    public boolean delete(String key) {
        return client.delete(key);
    }

    private Versioned write(String key, byte[] value, String contentType, Duration ttl) {
        return client.put(key, value, contentType, WriteOptions.defaults().withTtl(ttl));
    }
}
