package dht.cli;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The one JSON mapper of the command line. */
final class Json {

    static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** The bytes as a JSON tree, or {@code null} when they are not JSON. */
    static JsonNode parseOrNull(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return MAPPER.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
    }

    static <T> T read(byte[] body, Class<T> type, String what) {
        try {
            return MAPPER.readValue(body, type);
        } catch (JacksonException e) {
            throw CliException.failed(what + " is not what dhtctl understands: " + e.getOriginalMessage());
        }
    }

    static String pretty(Object value) {
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    }

    static String compact(Object value) {
        return MAPPER.writeValueAsString(value);
    }
}
