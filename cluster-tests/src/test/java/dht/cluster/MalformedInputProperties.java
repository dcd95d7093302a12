package dht.cluster;

import dht.core.Ring;
import dht.core.wire.EntryCodec;
import dht.testkit.TestCluster;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.GenerationMode;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Walks the OpenAPI documents of a node and of the registry and sends every operation a battery of
 * malformed inputs: path parameters that are no key or ID, missing and absurd query parameters,
 * broken, mistyped, incomplete, unknown-field, deeply nested, oversized and non-UTF-8 bodies, wrong
 * content types and absurd headers. No answer may be a 5xx, every error must be a problem, and the
 * ring and the stored keys must be as they were. The cluster runs with a cluster token and API keys,
 * as a production one does; most requests carry the token, so that they reach their handlers and the
 * inputs themselves are judged, others an API key or no credential at all.
 */
class MalformedInputProperties {

    private static final int KEYS = 20;
    private static final String TOKEN = "malformed-input-cluster-token-0123456789";
    private static final String API_KEY = "malformed-input-api-key-0123456789abcdef";

    private static TestCluster cluster;
    private static HttpClient http;
    private static List<ApiOperation> operations;
    private static Ring ringBefore;
    private static Map<String, String> stored;

    /** What is wrong with a request. */
    enum Malformation {
        OVERLONG_PATH, EMPTY_PATH, MISSING_QUERY, OVERLONG_QUERY, BROKEN_JSON, NOT_AN_OBJECT, EMPTY_OBJECT,
        UNKNOWN_FIELD, WRONG_TYPES, DEEP_NESTING, OVERSIZED_BODY, INVALID_UTF8, WRONG_CONTENT_TYPE, HUGE_HEADER,
        MANY_HEADERS, BAD_HOPS, GARBAGE_ENTRIES
    }

    @BeforeContainer
    static void start() throws Exception {
        cluster = TestCluster.builder().nodes(2).clusterToken(TOKEN)
                .nodeProperty("dht.security.api-keys.read-write=" + API_KEY).build();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        KeyClient keys = new KeyClient(cluster.http());
        stored = new LinkedHashMap<>();
        for (int i = 0; i < KEYS; i++) {
            String key = "fuzz-" + i + (i % 5 == 0 ? "/a;b%c" : "");
            assertThat(keys.put(cluster.node(0).url(), key, ("value " + i).getBytes(StandardCharsets.UTF_8), MediaType.TEXT_PLAIN)
                    .getStatusCode().value()).isEqualTo(201);
            stored.put(key, "value " + i);
        }
        ringBefore = cluster.registryRing();
        operations = new ArrayList<>();
        operations.addAll(operationsOf(cluster.node(0).url()));
        operations.addAll(operationsOf(cluster.registryUrl()));
    }

    @AfterContainer
    static void theRingAndTheStoredKeysAreUnchanged() {
        if (cluster == null) {
            return;
        }
        try {
            cluster.awaitRing();
            assertThat(cluster.registryRing()).isEqualTo(ringBefore);
            KeyClient keys = new KeyClient(cluster.http());
            for (int index : cluster.indexes()) {
                for (Map.Entry<String, String> entry : stored.entrySet()) {
                    ResponseEntity<byte[]> read = keys.get(cluster.node(index).url(), entry.getKey());
                    assertThat(read.getStatusCode().value()).as("GET %s", entry.getKey()).isEqualTo(200);
                    assertThat(new String(read.getBody(), StandardCharsets.UTF_8)).isEqualTo(entry.getValue());
                }
            }
            long held = cluster.indexes().stream().mapToLong(index -> cluster.ringView(index).ownedKeys()).sum();
            assertThat(held).as("keys owned across the ring").isEqualTo(KEYS);
        } finally {
            cluster.close();
        }
    }

    @Provide
    Arbitrary<ApiOperation> operations() {
        return Arbitraries.of(operations);
    }

    /** Every operation with every malformation, once. */
    @Property(generation = GenerationMode.EXHAUSTIVE)
    void noMalformedRequestIsAnsweredWithA5xxOrWithoutAProblem(@ForAll("operations") ApiOperation operation,
                                                               @ForAll Malformation malformation) throws Exception {
        check(operation, malformation, new Random(operation.toString().hashCode() * 31L + malformation.ordinal()));
    }

    /** And again with random contents. */
    @Property(tries = 300)
    void noRandomMalformedRequestIsAnsweredWithA5xxOrWithoutAProblem(@ForAll("operations") ApiOperation operation,
                                                                     @ForAll Malformation malformation,
                                                                     @ForAll long seed) throws Exception {
        check(operation, malformation, new Random(seed));
    }

    private static void check(ApiOperation operation, Malformation malformation, Random random) throws Exception {
        HttpRequest request = request(operation, malformation, random);
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            // the server closed the connection on an absurd request instead of answering: no harm done
            assertThat(malformation).isIn(Malformation.HUGE_HEADER, Malformation.MANY_HEADERS, Malformation.OVERSIZED_BODY);
            return;
        }
        String described = operation + " with " + malformation + ": " + response.statusCode() + " " + response.body();
        assertThat(response.statusCode()).as(described).isLessThan(500);
        if (response.statusCode() >= 400) {
            assertThat(response.headers().firstValue("Content-Type").orElse("none")).as(described)
                    .startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        }
        assertThat(response.body()).as(described).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("/tmp/");
    }

    private static HttpRequest request(ApiOperation operation, Malformation malformation, Random random) {
        String path = operation.path();
        for (String param : operation.pathParams()) {
            String value = malformation == Malformation.EMPTY_PATH ? "" : overlong(random);
            path = path.replace("{" + param + "}", encode(value));
        }
        StringBuilder query = new StringBuilder();
        for (String param : operation.queryParams()) {
            if (malformation != Malformation.MISSING_QUERY) {
                query.append(query.isEmpty() ? "?" : "&").append(encode(param)).append('=')
                        .append(malformation == Malformation.OVERLONG_QUERY ? encode(overlong(random)) : "");
            }
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(operation.baseUrl() + path + query))
                .timeout(Duration.ofSeconds(10));
        int credential = random.nextInt(10);
        if (credential < 7) {
            builder.header("Authorization", "Bearer " + TOKEN);
        } else if (credential < 9) {
            builder.header("Authorization", "Bearer " + API_KEY);
        }
        String contentType = "application/json";
        byte[] body = switch (malformation) {
            case BROKEN_JSON -> "{\"address\": \"a:1\", ".getBytes(StandardCharsets.UTF_8);
            case NOT_AN_OBJECT -> random.nextBoolean() ? "[1, 2]".getBytes(StandardCharsets.UTF_8) : "\"text\"".getBytes(StandardCharsets.UTF_8);
            case EMPTY_OBJECT -> "{}".getBytes(StandardCharsets.UTF_8);
            case UNKNOWN_FIELD -> "{\"noSuchField\": 1}".getBytes(StandardCharsets.UTF_8);
            case WRONG_TYPES -> wrongTypes(operation.bodySchema(), random).getBytes(StandardCharsets.UTF_8);
            case DEEP_NESTING -> ("[".repeat(5000) + "]".repeat(5000)).getBytes(StandardCharsets.UTF_8);
            case OVERSIZED_BODY -> ("{\"address\": \"" + "x".repeat(3 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
            case INVALID_UTF8 -> new byte[]{'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'};
            case GARBAGE_ENTRIES -> {
                contentType = EntryCodec.MEDIA_TYPE;
                byte[] garbage = new byte[random.nextInt(64)];
                random.nextBytes(garbage);
                yield garbage;
            }
            case WRONG_CONTENT_TYPE -> {
                contentType = "text/html";
                yield "<html></html>".getBytes(StandardCharsets.UTF_8);
            }
            default -> null;
        };
        switch (malformation) {
            case HUGE_HEADER -> builder.header("X-Absurd", "x".repeat(64 * 1024));
            case MANY_HEADERS -> {
                for (int i = 0; i < 300; i++) {
                    builder.header("X-Absurd-" + i, "y");
                }
            }
            case BAD_HOPS -> builder.header("X-DHT-Hops", random.nextBoolean() ? "-1" : "a lot");
            default -> {
            }
        }
        if (body != null) {
            builder.header("Content-Type", contentType);
        }
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
        return builder.method(operation.method(), publisher).build();
    }

    /** An object with each property the schema names set to a value of the wrong type. */
    private static String wrongTypes(JsonNode schema, Random random) {
        StringBuilder json = new StringBuilder("{");
        if (schema != null) {
            Iterator<String> names = schema.path("properties").propertyNames().iterator();
            while (names.hasNext()) {
                String name = names.next();
                String type = schema.path("properties").path(name).path("type").asString("object");
                String wrong = switch (type) {
                    case "string" -> random.nextBoolean() ? "12345" : "[\"zz\"]";
                    case "integer", "number" -> random.nextBoolean() ? "\"many\"" : "1e400";
                    case "boolean" -> "\"maybe\"";
                    default -> random.nextBoolean() ? "\"not an object\"" : "{\"id\": \"0123456789abcdefg\", \"address\": \"\"}";
                };
                json.append(json.length() > 1 ? "," : "").append('"').append(name).append("\":").append(wrong);
            }
        }
        return json.append('}').toString();
    }

    /** Too long for a key (over 1024 bytes) and for an ID, with characters that need encoding. */
    private static String overlong(Random random) {
        String alphabet = "ab/%;.\\é世\uD83D\uDE00 ?#&=+";
        StringBuilder value = new StringBuilder();
        int length = 1100 + random.nextInt(2000);
        while (value.length() < length) {
            value.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, random.nextInt(alphabet.codePointCount(0, alphabet.length())))));
        }
        return value.toString();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Every operation of the app's OpenAPI document but those with no input at all to get wrong
     * (listing the ring, asking a node to leave: a well-formed call there does what it says).
     */
    private static List<ApiOperation> operationsOf(String baseUrl) {
        return ApiOperation.of(cluster.http(), baseUrl).stream()
                .filter(operation -> operation.takesInput() || operation.method().equals("POST") || operation.method().equals("PUT"))
                .filter(operation -> !operation.path().startsWith("/admin"))
                .toList();
    }
}
