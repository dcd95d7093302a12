package dht.cluster;

import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One operation of an app's OpenAPI document, with what a request to it is made of.
 *
 * @param bodyType   the first media type its request body may have, or {@code null} when it takes none
 * @param bodySchema the schema of its JSON request body, or {@code null}
 */
record ApiOperation(String baseUrl, String method, String path, List<String> pathParams, List<String> queryParams,
                    String bodyType, JsonNode bodySchema) {

    /** Every operation of the OpenAPI document ({@code /v3/api-docs}) of the app at {@code baseUrl}. */
    static List<ApiOperation> of(RestClient http, String baseUrl) {
        JsonNode docs = http.get().uri(baseUrl + "/v3/api-docs").retrieve().body(JsonNode.class);
        List<ApiOperation> found = new ArrayList<>();
        JsonNode schemas = docs.path("components").path("schemas");
        for (Map.Entry<String, JsonNode> path : docs.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
                JsonNode operation = method.getValue();
                List<String> pathParams = new ArrayList<>();
                List<String> queryParams = new ArrayList<>();
                for (JsonNode parameter : operation.path("parameters")) {
                    switch (parameter.path("in").asString()) {
                        case "path" -> pathParams.add(parameter.path("name").asString());
                        case "query" -> queryParams.add(parameter.path("name").asString());
                        default -> {
                        }
                    }
                }
                JsonNode body = operation.path("requestBody").path("content");
                String bodyType = body.propertyNames().stream().findFirst().orElse(null);
                JsonNode ref = body.path("application/json").path("schema").path("$ref");
                JsonNode schema = ref.isMissingNode() ? null : schemas.path(ref.asString().substring(ref.asString().lastIndexOf('/') + 1));
                found.add(new ApiOperation(baseUrl, method.getKey().toUpperCase(), path.getKey(), pathParams, queryParams,
                        bodyType, schema));
            }
        }
        assertThat(found).as("operations of " + baseUrl).isNotEmpty();
        return found;
    }

    /** Whether a request to it has parameters or a body, that is anything to get wrong. */
    boolean takesInput() {
        return !pathParams.isEmpty() || !queryParams.isEmpty() || bodyType != null;
    }

    @Override
    public String toString() {
        return method + " " + path;
    }
}
