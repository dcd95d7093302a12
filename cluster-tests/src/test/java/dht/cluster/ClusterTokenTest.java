package dht.cluster;

import dht.core.Ring;
import dht.core.wire.EntryCodec;
import dht.core.wire.RingSnapshot;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A registry and nodes that share a cluster token: the ring forms, takes a joining node, moves and
 * replicates keys as it does without one, and every cluster call (a node's {@code /internal/**},
 * {@code /admin/**} and Actuator beyond health, info and prometheus; every change to the registry's
 * ring) made without the token or with a wrong one is refused with a problem and changes nothing.
 * The calls come from loopback, which a node with a token does not trust for that alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterTokenTest {

    private static final String TOKEN = "c1uster-t0ken-for-the-cluster-token-test";
    private static final int KEYS = 60;
    /** {@code dht.replication-factor}'s default. */
    private static final int REPLICATION_FACTOR = 3;

    private TestCluster cluster;
    private KeyClient keys;
    private HttpClient bare;
    /** Every key the tests wrote, whichever ran first: a joining node takes its share of all of them. */
    private final Set<String> everyKey = ConcurrentHashMap.newKeySet();

    @BeforeAll
    void startCluster() {
        cluster = TestCluster.builder().nodes(3).clusterToken(TOKEN).build();
        keys = new KeyClient(cluster.http());
        bare = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
        if (bare != null) {
            bare.close();
        }
    }

    @Test
    void aRingWithATokenTakesAJoiningNodeAndServesEveryKeyThroughEveryNode() {
        Map<String, String> written = writeKeys("joined-");

        int joined = cluster.addNode();

        // as many as the ring gives it: with 60 keys a new node's range holds none about once in 20 joins
        Ring ring = cluster.registryRing();
        long ownedByNewNode = everyKey.stream().filter(key -> ring.ownerOfKey(key).equals(cluster.node(joined).ref())).count();
        assertThat(cluster.ringView(joined).ownedKeys()).as("keys moved to the joining node").isEqualTo(ownedByNewNode);
        assertEveryKeyReadableThroughEveryNode(written);
        await("every key on " + REPLICATION_FACTOR + " nodes").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (String key : written.keySet()) {
                assertThat(copiesOf(key)).as("nodes holding %s", key).isGreaterThanOrEqualTo(REPLICATION_FACTOR);
            }
        });
    }

    @Test
    void everyClusterCallWithoutTheTokenOrWithAWrongOneIsRefusedWithAProblemAndChangesNothing() throws Exception {
        Map<String, String> written = writeKeys("guarded-");
        Ring ringBefore = cluster.registryRing();
        Map<Integer, String> neighborsBefore = neighbors();
        String storedKey = written.keySet().iterator().next();
        String liveId = ringBefore.nodes().getFirst().id().toString();

        List<ApiOperation> clusterCalls = clusterCalls();
        for (ApiOperation call : clusterCalls) {
            assertRefused(call, request(call, storedKey, liveId), 401);
            assertRefused(call, request(call, storedKey, liveId).header("Authorization", "Bearer not-" + TOKEN), 401, 403);
        }

        cluster.awaitRing();
        assertThat(cluster.registryRing()).as("the registry's ring").isEqualTo(ringBefore);
        assertThat(neighbors()).as("each node's neighbors").isEqualTo(neighborsBefore);
        assertEveryKeyReadableThroughEveryNode(written);
    }

    @Test
    void anonymousCallersSeeNeitherHealthDetailsNorMoreOfInfoThanTheNodesPosition() throws Exception {
        String node = cluster.node(cluster.indexes().getFirst()).url();
        for (String app : List.of(node, cluster.registryUrl())) {
            JsonNode anonymous = json(app + "/actuator/health", null);
            assertThat(anonymous.path("status").asString()).as(app).isEqualTo("UP");
            assertThat(anonymous.has("components")).as("health details for anyone at %s", app).isFalse();
            assertThat(json(app + "/actuator/health", TOKEN).path("components").isObject()).as("for a member at %s", app).isTrue();
        }
        JsonNode position = json(node + "/actuator/info", null).path("dht");
        assertThat(position.path("id").asString()).matches("[0-9a-f]{16}");
        assertThat(position.path("keys").isNumber()).isTrue();
        assertThat(position.has("receiving") || position.has("handingOver") || position.has("knownNodes") || position.has("replicasInSync"))
                .as("what /actuator/ring keeps to members, in anonymous info: %s", position).isFalse();
        assertThat(json(node + "/actuator/info", TOKEN).path("dht").has("receiving")).as("a member's info").isTrue();
    }

    @Test
    void theTrafficBudgetsAreExportedAndTheDocumentsOfferTheBearerScheme() throws Exception {
        String node = cluster.node(cluster.indexes().getFirst()).url();
        for (String app : List.of(node, cluster.registryUrl())) {
            String budget = app.equals(node) ? "node" : "registry";
            HttpResponse<String> scrape = bare.send(HttpRequest.newBuilder(URI.create(app + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            for (String kind : List.of("client", "cluster", "management")) {
                assertThat(scrape.body()).as("%s's %s budget", budget, kind)
                        .contains("resilience4j_bulkhead_max_allowed_concurrent_calls{name=\"" + budget + "-" + kind + "\"");
            }
            JsonNode scheme = json(app + "/v3/api-docs", null).path("components").path("securitySchemes").path("bearer");
            assertThat(scheme.path("type").asString()).as(app).isEqualTo("http");
            assertThat(scheme.path("scheme").asString()).as(app).isEqualTo("bearer");
        }
    }

    @Test
    void keysWithControlCharactersRoundTrip() {
        String through = cluster.node(cluster.indexes().getLast()).url();
        for (String key : List.of("tab\tand\nnewline", "carriage\rreturn", "line\u2028separator", "bell\u0007")) {
            assertThat(keys.put(through, key, key.getBytes(StandardCharsets.UTF_8), MediaType.TEXT_PLAIN).getStatusCode().value())
                    .as("PUT %s", key.replace("\n", "\\n")).isEqualTo(201);
            everyKey.add(key);
            ResponseEntity<byte[]> read = keys.get(cluster.node(cluster.indexes().getFirst()).url(), key);
            assertThat(read.getStatusCode().value()).isEqualTo(200);
            assertThat(new String(read.getBody(), StandardCharsets.UTF_8)).isEqualTo(key);
        }
    }

    @Test
    void ringEventsNeedACredential() throws Exception {
        URI events = URI.create(cluster.node(cluster.indexes().getFirst()).url() + "/ring/events");
        HttpResponse<String> anonymous = bare.send(HttpRequest.newBuilder(events).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        HttpResponse<java.io.InputStream> member = bare.send(HttpRequest.newBuilder(events).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream stream = member.body()) {
            assertThat(member.statusCode()).isEqualTo(200);
            assertThat(member.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        }
    }

    private JsonNode json(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = bare.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return JsonMapper.shared().readTree(response.body());
    }

    /**
     * The cluster calls of the first node and of the registry, from their OpenAPI documents, and
     * the Actuator endpoints that are not public; checked against the list the README gives, so that
     * a document that lost operations cannot make the test pass with nothing to try.
     */
    private List<ApiOperation> clusterCalls() {
        String node = cluster.node(cluster.indexes().getFirst()).url();
        List<ApiOperation> calls = new ArrayList<>(ApiOperation.of(cluster.http(), node).stream()
                .filter(operation -> operation.path().startsWith("/internal/") || operation.path().startsWith("/admin/"))
                .toList());
        calls.addAll(ApiOperation.of(cluster.http(), cluster.registryUrl()).stream()
                .filter(operation -> !operation.method().equals("GET"))
                .toList());
        calls.add(new ApiOperation(node, "GET", "/actuator/ring", List.of(), List.of(), null, null));
        calls.add(new ApiOperation(node, "GET", "/actuator/metrics", List.of(), List.of(), null, null));
        calls.add(new ApiOperation(cluster.registryUrl(), "GET", "/actuator/metrics", List.of(), List.of(), null, null));
        assertThat(calls).map(ApiOperation::toString).contains(
                "POST /internal/join", "PUT /internal/neighbors/predecessor", "POST /internal/handover",
                "POST /internal/transfer", "POST /internal/transfer/complete", "GET /internal/entries/{key}",
                "POST /internal/replicas", "GET /internal/neighbors", "POST /admin/leave",
                "POST /nodes", "PUT /nodes/{id}", "POST /nodes/{id}/ready", "POST /nodes/{id}/leave", "DELETE /nodes/{id}");
        return calls;
    }

    /**
     * A well-formed call, as a member would make it: path parameters name a stored key or a live
     * node, so that a call let through would read or change something real.
     */
    private static HttpRequest.Builder request(ApiOperation call, String storedKey, String liveId) {
        String path = call.path()
                .replace("{key}", URLEncoder.encode(storedKey, StandardCharsets.UTF_8))
                .replace("{id}", liveId);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(call.baseUrl() + path)).timeout(Duration.ofSeconds(10));
        if (call.bodyType() == null) {
            return request.method(call.method(), HttpRequest.BodyPublishers.noBody());
        }
        byte[] body = call.bodyType().equals(EntryCodec.MEDIA_TYPE) ? new byte[0]
                : "{\"address\": \"127.0.0.1:9\"}".getBytes(StandardCharsets.UTF_8);
        return request.header("Content-Type", call.bodyType()).method(call.method(), HttpRequest.BodyPublishers.ofByteArray(body));
    }

    private void assertRefused(ApiOperation call, HttpRequest.Builder request, Integer... statuses) throws Exception {
        HttpResponse<String> response = bare.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String described = call + " at " + call.baseUrl() + ": " + response.statusCode() + " " + response.body();
        assertThat(response.statusCode()).as(described).isIn((Object[]) statuses);
        assertThat(response.headers().firstValue("Content-Type")).as(described).hasValueSatisfying(type ->
                assertThat(type).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE));
        assertThat(response.body()).as(described).doesNotContain(TOKEN);
    }

    private Map<String, String> writeKeys(String prefix) {
        Map<String, String> written = new LinkedHashMap<>();
        List<Integer> indexes = cluster.indexes();
        for (int i = 0; i < KEYS; i++) {
            String key = prefix + i;
            String value = "value of " + key;
            String through = cluster.node(indexes.get(i % indexes.size())).url();
            ResponseEntity<byte[]> put = keys.put(through, key, value.getBytes(StandardCharsets.UTF_8), MediaType.TEXT_PLAIN);
            assertThat(put.getStatusCode().value()).as("PUT %s through %s", key, through).isEqualTo(201);
            written.put(key, value);
            everyKey.add(key);
        }
        return written;
    }

    private void assertEveryKeyReadableThroughEveryNode(Map<String, String> written) {
        for (int index : cluster.indexes()) {
            String through = cluster.node(index).url();
            for (Map.Entry<String, String> entry : written.entrySet()) {
                ResponseEntity<byte[]> read = keys.get(through, entry.getKey());
                assertThat(read.getStatusCode().value()).as("GET %s through %s", entry.getKey(), through).isEqualTo(200);
                assertThat(new String(read.getBody(), StandardCharsets.UTF_8)).isEqualTo(entry.getValue());
            }
        }
    }

    /** How many nodes hold {@code key}, asked with the token at their {@code /internal/entries/{key}}. */
    private long copiesOf(String key) {
        return cluster.indexes().stream()
                .filter(index -> cluster.http().get()
                        .uri(cluster.node(index).url() + "/internal/entries/{key}", key)
                        .exchange((request, response) -> response.getStatusCode().value() == 200))
                .count();
    }

    /** Each node's predecessor and successor, as its {@code /actuator/ring} reports them. */
    private Map<Integer, String> neighbors() {
        Map<Integer, String> neighbors = new LinkedHashMap<>();
        for (int index : cluster.indexes()) {
            RingSnapshot view = cluster.ringView(index);
            neighbors.put(index, view.predecessor().id().toString() + " " + view.successor().id().toString());
        }
        return neighbors;
    }
}
