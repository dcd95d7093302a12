package dht.web;

import io.swagger.v3.oas.annotations.tags.Tag;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.models.GroupedOpenApi;
import org.springframework.boot.info.BuildProperties;
import org.springframework.core.annotation.AnnotatedElementUtils;

import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What both apps' OpenAPI documents share, written so that a validating proxy or a code generator can
 * take them at their word: each app's title, build version and description; the optional bearer
 * token; problems as the apps write them; the refusals any request may meet before a handler sees
 * it; the Actuator endpoints users call; and two groups, what clients call and what cluster members
 * call on each other.
 */
public final class ApiDocumentation {

    /** The group of what users call: shown first in Swagger UI. */
    public static final String CLIENT_GROUP = "client";
    /** The group of what nodes and the registry call on each other. */
    public static final String INTERNAL_GROUP = "internal";
    /** Operations whose tag starts so are cluster members' own calls, and go into the internal group. */
    public static final String INTERNAL_TAG_PREFIX = "Internal";
    /** The Actuator endpoints' tag. */
    public static final String ACTUATOR_TAG = "Actuator";

    public static final String PROBLEM_JSON = "application/problem+json";
    static final String PROBLEM_SCHEMA = "ProblemDetail";
    private static final String SCHEMAS = "#/components/schemas/";
    private static final String ACTUATOR_JSON = "application/vnd.spring-boot.actuator.v3+json";
    private static final String HEALTH_SCHEMA = "Health";
    private static final String BEARER = "bearer";
    private static final String DOCUMENTS = "/v3/api-docs";
    private static final String DOCUMENTS_TAG = "OpenAPI";

    private ApiDocumentation() {
    }

    /** An app's title and description, with the version it was built as (from build-info, when there is one). */
    public static Info info(String title, String description, BuildProperties build) {
        return new Info().title(title).description(description)
                .version(build != null && build.getVersion() != null ? build.getVersion() : "unreleased");
    }

    /**
     * What every document of an app holds, its groups' as well: {@code info}; the bearer token any
     * operation may carry and none must (an app without credentials configured ignores it), so that
     * Swagger UI's "Authorize" sends it with each request; problems as RFC 9457 has them; no body
     * for a {@code 204}; and on every operation the refusals of the filters in front of the
     * handlers: a rejected URL, a missing, unknown or insufficient credential, a client or the app
     * over its request budget.
     */
    public static GlobalOpenApiCustomizer shared(Info info) {
        return openApi -> {
            openApi.info(info);
            openApi.setSecurity(List.of(new SecurityRequirement().addList(BEARER), new SecurityRequirement()));
            Components components = openApi.getComponents() == null ? new Components() : openApi.getComponents();
            openApi.components(components.addSchemas(PROBLEM_SCHEMA, problemSchema()));
            if (openApi.getPaths() == null) {
                return;
            }
            for (PathItem path : openApi.getPaths().values()) {
                for (Operation operation : path.readOperations()) {
                    ApiResponses responses = operation.getResponses();
                    ApiResponse noContent = responses.get("204");
                    if (noContent != null) {
                        noContent.setContent(null);
                    }
                    addRefusals(operation);
                }
            }
        };
    }

    /** The refusals of the filters in front of every handler, where the operation does not describe them itself. */
    private static void addRefusals(Operation operation) {
        ApiResponses responses = operation.getResponses();
        responses.putIfAbsent("400", problem("The request's URL, headers or parameters are not accepted"));
        responses.putIfAbsent("401", problem("With credentials configured: a bearer token this app does not know, "
                + "or none where one is needed"));
        responses.putIfAbsent("403", problem("The credential does not allow this request"));
        responses.putIfAbsent("429", retryLater(problem("This client has too many requests under way; "
                + "retry after Retry-After seconds")));
        responses.putIfAbsent("503", retryLater(problem("Too many requests at once; retry after Retry-After seconds")));
        operation.setResponses(byStatus(responses));
    }

    /**
     * The group of what users call, shown first: every operation not tagged internal, and the
     * Actuator endpoints {@code actuator} documents.
     */
    public static GroupedOpenApi clientGroup(String displayName, OpenApiCustomizer actuator) {
        return GroupedOpenApi.builder().group(CLIENT_GROUP).displayName(displayName)
                .pathsToMatch("/**").pathsToExclude("/error")
                .addOpenApiMethodFilter(method -> !internal(method))
                .addOpenApiCustomizer(actuator)
                .build();
    }

    /** The group of what cluster members call on each other: the operations tagged internal. */
    public static GroupedOpenApi internalGroup(String displayName) {
        return GroupedOpenApi.builder().group(INTERNAL_GROUP).displayName(displayName)
                .pathsToMatch("/**").pathsToExclude("/error")
                .addOpenApiMethodFilter(ApiDocumentation::internal)
                .build();
    }

    private static ApiResponses byStatus(ApiResponses responses) {
        ApiResponses sorted = new ApiResponses();
        responses.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(response -> sorted.addApiResponse(response.getKey(), response.getValue()));
        return sorted;
    }

    private static boolean internal(Method method) {
        Set<Tag> tags = AnnotatedElementUtils.findMergedRepeatableAnnotations(method, Tag.class);
        if (tags.isEmpty()) {
            tags = AnnotatedElementUtils.findMergedRepeatableAnnotations(method.getDeclaringClass(), Tag.class);
        }
        return tags.stream().anyMatch(tag -> tag.name().startsWith(INTERNAL_TAG_PREFIX));
    }

    /**
     * The Actuator endpoints every app exposes and users call: health with its liveness and
     * readiness groups (for probes), info and Prometheus metrics, {@code more} adding an app's own;
     * and the OpenAPI documents themselves.
     */
    public static OpenApiCustomizer actuator(String infoDescription, OpenApiCustomizer more) {
        return openApi -> {
            Components components = openApi.getComponents() == null ? new Components() : openApi.getComponents();
            openApi.components(components.addSchemas(HEALTH_SCHEMA, healthSchema()));
            Paths paths = openApi.getPaths() == null ? new Paths() : openApi.getPaths();
            openApi.paths(paths);
            paths.addPathItem("/actuator/health", new PathItem().get(health("health", "The app's health",
                    "UP or DOWN; the indicators' details for cluster members only.")));
            paths.addPathItem("/actuator/health/liveness", new PathItem().get(health("liveness", "Liveness (a livenessProbe)",
                    "UP while the app runs; DOWN when it cannot go on and should be restarted.")));
            paths.addPathItem("/actuator/health/readiness", new PathItem().get(health("readiness", "Readiness (a readinessProbe)",
                    "UP once the app serves requests.")));
            paths.addPathItem("/actuator/info", new PathItem().get(actuatorJson("info", "What the app is", infoDescription,
                    new ObjectSchema().additionalProperties(true))));
            paths.addPathItem("/actuator/prometheus", new PathItem().get(new Operation()
                    .addTagsItem(ACTUATOR_TAG).operationId("prometheus").summary("Metrics for Prometheus")
                    .description("Every meter in the Prometheus text format (OpenMetrics when asked for it), open to a scraper.")
                    .responses(new ApiResponses().addApiResponse("200", new ApiResponse().description("The metrics")
                            .content(new Content()
                                    .addMediaType("text/plain;version=0.0.4;charset=utf-8", new MediaType().schema(new StringSchema()))
                                    .addMediaType("application/openmetrics-text;version=1.0.0;charset=utf-8",
                                            new MediaType().schema(new StringSchema())))))));
            more.customise(openApi);
            addDocuments(paths);
            paths.forEach((path, item) -> {
                if (path.startsWith("/actuator/") || path.startsWith(DOCUMENTS)) {
                    item.readOperations().forEach(ApiDocumentation::addRefusals);
                }
            });
        };
    }

    /** The documents themselves, which clients and generators fetch; open to anyone. */
    private static void addDocuments(Paths paths) {
        Content document = new Content().addMediaType(org.springframework.http.MediaType.APPLICATION_JSON_VALUE,
                new MediaType().schema(new ObjectSchema().additionalProperties(true).description("An OpenAPI 3.1 document")));
        paths.addPathItem(DOCUMENTS, new PathItem().get(new Operation().addTagsItem(DOCUMENTS_TAG).operationId("apiDocs")
                .summary("This OpenAPI document: every operation")
                .responses(new ApiResponses().addApiResponse("200", new ApiResponse().description("The document").content(document)))));
        paths.addPathItem(DOCUMENTS + "/{group}", new PathItem().get(new Operation().addTagsItem(DOCUMENTS_TAG)
                .operationId("apiDocsGroup").summary("The OpenAPI document of one group")
                .addParametersItem(new Parameter().in("path").name("group").required(true)
                        .description(CLIENT_GROUP + ": what users call; " + INTERNAL_GROUP + ": what cluster members call on each other")
                        .schema(new StringSchema()._enum(List.of(CLIENT_GROUP, INTERNAL_GROUP))))
                .responses(new ApiResponses().addApiResponse("200", new ApiResponse().description("The document").content(document))
                        .addApiResponse("404", problem("No such group")))));
    }

    /** A read-only Actuator operation answering JSON, as Actuator does: its own media type, or plain JSON when asked. */
    public static Operation actuatorJson(String operationId, String summary, String description, Schema<?> schema) {
        return new Operation().addTagsItem(ACTUATOR_TAG).operationId(operationId).summary(summary).description(description)
                .responses(new ApiResponses().addApiResponse("200", new ApiResponse().description("OK").content(actuatorContent(schema))));
    }

    private static Operation health(String operationId, String summary, String description) {
        Schema<?> schema = new Schema<>().$ref(SCHEMAS + HEALTH_SCHEMA);
        Operation operation = actuatorJson(operationId, summary, description, schema);
        operation.getResponses().get("200").description("UP");
        return operation.responses(operation.getResponses().addApiResponse("503",
                new ApiResponse().description("DOWN or OUT_OF_SERVICE").content(actuatorContent(schema))));
    }

    private static Content actuatorContent(Schema<?> schema) {
        return new Content().addMediaType(ACTUATOR_JSON, new MediaType().schema(schema))
                .addMediaType(org.springframework.http.MediaType.APPLICATION_JSON_VALUE, new MediaType().schema(schema));
    }

    private static Schema<?> healthSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("status", new StringSchema().description("UP, DOWN, OUT_OF_SERVICE or UNKNOWN").example("UP"));
        properties.put("components", new ObjectSchema().additionalProperties(true)
                .description("Each indicator's status and details, for cluster members only"));
        properties.put("groups", new ArraySchema().items(new StringSchema()).description("The health groups there are"));
        return new ObjectSchema().description("An app's health, or one health group's").properties(properties)
                .required(List.of("status")).additionalProperties(true);
    }

    /**
     * An RFC 9457 problem as the apps write it. {@code type} and {@code instance} are URI
     * references: {@code instance} is the request's path, relative.
     */
    private static Schema<?> problemSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("type", new StringSchema().format("uri-reference").description("What kind of problem; about:blank for "
                + "none more specific than the status").example("about:blank"));
        properties.put("title", new StringSchema().description("A short summary of the kind of problem"));
        properties.put("status", new IntegerSchema().description("The HTTP status"));
        properties.put("detail", new StringSchema().description("What went wrong with this request"));
        properties.put("instance", new StringSchema().format("uri-reference").description("The request's path")
                .example("/keys/user:42"));
        return new ObjectSchema().description("An RFC 9457 problem; some carry more members, such as requestId")
                .properties(properties).additionalProperties(true);
    }

    /** A problem answer: {@code application/problem+json}. */
    public static ApiResponse problem(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType(PROBLEM_JSON,
                new MediaType().schema(new Schema<>().$ref(SCHEMAS + PROBLEM_SCHEMA))));
    }

    private static ApiResponse retryLater(ApiResponse response) {
        return response.addHeaderObject("Retry-After", new Header().description("Seconds to wait before trying again")
                .schema(new IntegerSchema()));
    }
}
