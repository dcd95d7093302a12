package dht.node.web;

import dht.core.wire.KeyBatch;
import dht.core.wire.KeyBatchResults;
import dht.core.wire.KeyPage;
import dht.core.wire.RingSnapshot;
import dht.web.ApiDocumentation;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.media.Schema;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.models.GroupedOpenApi;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The node's OpenAPI documents: {@code /v3/api-docs} with every operation, and its two groups,
 * {@code /v3/api-docs/client} (keys, ring events, leaving, Actuator) and {@code /v3/api-docs/internal}
 * (what cluster members call on each other).
 */
@Configuration(proxyBeanMethods = false)
class NodeApiDocumentation {

    static final String DESCRIPTION = "Any node serves any key: a node holding one of the key's replicas serves it itself, "
            + "fenced by the key's owner; any other forwards it. With API keys configured, /keys needs one; cluster "
            + "endpoints need the cluster token.";

    @Bean
    GlobalOpenApiCustomizer sharedDocumentation(ObjectProvider<BuildProperties> build) {
        return ApiDocumentation.shared(ApiDocumentation.info("DHT node", DESCRIPTION, build.getIfAvailable()));
    }

    /**
     * A value stored as JSON is any JSON value, an object as well as a string: a schema without a
     * type (what a generator takes as any object). The key operations refer to it.
     */
    @Bean
    GlobalOpenApiCustomizer jsonValueSchema() {
        return openApi -> {
            if (openApi.getComponents() != null && openApi.getPaths() != null && openApi.getPaths().containsKey("/keys/{key}")) {
                openApi.getComponents().addSchemas("JsonValue",
                        new Schema<>().description("Any JSON value: stored as its bytes, answered as they were sent"));
            }
        };
    }

    /**
     * What the batch's records ({@code dht-core}, free of OpenAPI annotations) mean and what they
     * must hold: 1 to 1,000 entries, a put's key and value, each result's key and status.
     */
    @Bean
    GlobalOpenApiCustomizer batchSchemas() {
        return openApi -> {
            Map<String, Schema> schemas = openApi.getComponents() == null ? null : openApi.getComponents().getSchemas();
            if (schemas == null || !schemas.containsKey(KeyBatch.class.getSimpleName())) {
                return;
            }
            Schema<?> batch = schemas.get(KeyBatch.class.getSimpleName());
            batch.description("Exactly one of get, put and delete, of 1 to " + KeyBatch.MAX_KEYS + " keys; at most 4 MiB");
            for (String operation : List.of("get", "put", "delete")) {
                Schema<?> entries = (Schema<?>) batch.getProperties().get(operation);
                entries.minItems(1).maxItems(KeyBatch.MAX_KEYS);
            }
            describe(batch, "get", "Keys to read");
            describe(batch, "put", "Keys to write, each once");
            describe(batch, "delete", "Keys to delete, each once");
            Schema<?> put = schemas.get(KeyBatch.KeyPut.class.getSimpleName());
            put.description("A key to write").required(List.of("key", "value"));
            describe(put, "key", "Any UTF-8 key of 1 to 1024 bytes (another is that key's own 400)");
            describe(put, "value", "The value's bytes in base64, RFC 4648 with padding (another is that key's own 400)");
            describe(put, "contentType", "The type to store the value with; application/octet-stream when absent");
            Schema<?> result = schemas.get(KeyBatchResults.KeyResult.class.getSimpleName());
            result.description("One key's result, with the status its own request would have had").required(List.of("key", "status"));
            describe(result, "status", "200 read or replaced, 201 created, 204 deleted, or the status of the key's problem");
            describe(result, "value", "A read's value in base64");
            describe(result, "contentType", "A read's stored Content-Type");
            describe(result, "version", "The value's version (its ETag), for a read or a write");
            ((Schema<?>) result.getProperties().get("version")).pattern("^[0-9a-f]{16}-[0-9a-f]{16}$");
            describe(result, "owner", "ID of the node that owns the key");
            ((Schema<?>) result.getProperties().get("owner")).pattern("^[0-9a-f]{16}$");
            describe(result, "title", "The key's problem, in short");
            describe(result, "detail", "What went wrong with this key");
            describe(result, "requestId", "For a peer that failed: names the details in the node's log");
        };
    }

    private static void describe(Schema<?> schema, String property, String description) {
        ((Schema<?>) schema.getProperties().get(property)).description(description);
    }

    /**
     * A listing's last page has a null cursor: {@code KeyPage}, a record of the plain wire module, says
     * so here, where the documents are made.
     */
    @Bean
    GlobalOpenApiCustomizer listingCursorMayBeNull() {
        return openApi -> {
            Schema<?> page = openApi.getComponents() == null || openApi.getComponents().getSchemas() == null
                    ? null : openApi.getComponents().getSchemas().get(KeyPage.class.getSimpleName());
            if (page != null && page.getProperties() != null && page.getProperties().containsKey("cursor")) {
                page.getProperties().get("cursor").types(new LinkedHashSet<>(List.of("string", "null")))
                        .description("Where the next page starts; null once the listing reached the end of the ring");
                page.required(List.of("keys", "cursor"));
            }
        };
    }

    /** Not global: the default document gets the Actuator endpoints this way, the client group through its own customizer. */
    @Bean
    OpenApiCustomizer actuatorDocumentation() {
        return actuator();
    }

    @Bean
    GroupedOpenApi clientApi() {
        return ApiDocumentation.clientGroup("Client API: keys, ring events, leaving, Actuator", actuator());
    }

    @Bean
    GroupedOpenApi internalApi() {
        return ApiDocumentation.internalGroup("Internal API: what cluster members call on each other");
    }

    private static OpenApiCustomizer actuator() {
        return ApiDocumentation.actuator("The node's place on the ring under dht (its ID, address, predecessor, successor, "
                + "the range it owns and how many keys it holds), the build and the Java runtime.", NodeApiDocumentation::ring);
    }

    /** {@code /actuator/ring}, the node's own endpoint: its whole view, with the transfers under way, for members. */
    private static void ring(io.swagger.v3.oas.models.OpenAPI openApi) {
        var schemas = ModelConverters.getInstance(true).readAll(RingSnapshot.class);
        Components components = openApi.getComponents();
        schemas.forEach(components::addSchemas);
        openApi.getPaths().addPathItem("/actuator/ring", new PathItem().get(ApiDocumentation.actuatorJson("ring",
                "This node's view of the ring", "Its place on the ring, the ranges on their way to and from it, how many "
                        + "nodes it knows and whether its replicas are in sync; for cluster members.",
                new Schema<>().$ref("#/components/schemas/" + RingSnapshot.class.getSimpleName()))));
    }
}
