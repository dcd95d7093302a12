package dht.client;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The client's one JSON mapper: lenient toward fields and states that later versions of the cluster
 * add. Public so that tools built on the client read the cluster's other answers (the ring, a
 * node's status) the same way.
 */
public final class Json {

    /** Immutable, as every Jackson 3 mapper: safe to share. */
    public static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(EnumFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
            .build();

    private Json() {
    }

    /** The bytes as a JSON tree, or {@code null} when they are not JSON. */
    public static JsonNode parseOrNull(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return MAPPER.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
    }
}
