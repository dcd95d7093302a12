package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Many keys in one request ({@code POST /keys/batch}): exactly one of {@code get}, {@code put} or
 * {@code delete}, at most {@value #MAX_KEYS} keys and {@value #MAX_BYTES} bytes. Each key is served
 * as its own request would be and answered with its own status ({@link KeyBatchResults}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KeyBatch(List<String> get, List<KeyPut> put, List<String> delete) {

    /** The most keys one batch may hold. */
    public static final int MAX_KEYS = 1000;
    /** The largest batch, in bytes of JSON: 4 MiB. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;

    public static KeyBatch ofGet(List<String> keys) {
        return new KeyBatch(keys, null, null);
    }

    public static KeyBatch ofPut(List<KeyPut> puts) {
        return new KeyBatch(null, puts, null);
    }

    public static KeyBatch ofDelete(List<String> keys) {
        return new KeyBatch(null, null, keys);
    }

    /**
     * One key to write.
     *
     * @param value       the value's bytes in base64 (RFC 4648, with padding)
     * @param contentType the type to store the value with; {@code application/octet-stream} when absent
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KeyPut(String key, String value, String contentType) {
    }
}
