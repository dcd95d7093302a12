package dht.cluster;

import dht.testkit.TestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Watches on keys ({@code GET /keys?prefix=P&watch=true}) against whole clusters: every change under the
 * prefix made through any node, each key's in version order, through a leave and after it, resumed with
 * {@code Last-Event-ID}.
 */
class WatchTest {

    private static final String PREFIX = "watched:";
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final List<Watch> watches = new ArrayList<>();
    private TestCluster cluster;

    @AfterEach
    void stop() {
        watches.forEach(Watch::close);
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aWatchSeesEveryChangeUnderItsPrefixInOrderThroughALeaveAndAfter() {
        cluster = TestCluster.builder().nodes(4).build();
        KeyClient keys = new KeyClient(cluster.http());
        List<Integer> indexes = cluster.indexes();
        int watching = indexes.getFirst();
        int leaving = indexes.get(2);
        Watch watch = open(cluster.node(watching).url(), PREFIX, null);
        Map<String, List<String>> expected = new LinkedHashMap<>();

        // before: puts, replacements and deletes through every other node, and keys outside the prefix
        List<String> others = indexes.stream().filter(index -> index != watching).map(index -> cluster.node(index).url()).toList();
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < 4; k++) {
                String through = others.get((round + k) % others.size());
                String key = PREFIX + "before-" + k;
                expected.computeIfAbsent(key, any -> new ArrayList<>()).add(put(keys, through, key));
                keys.put(through, "unwatched-" + k, new byte[]{1}, MediaType.TEXT_PLAIN);
                if (round == 1) {
                    assertThat(keys.delete(through, key).getStatusCode().value()).isEqualTo(204);
                    expected.get(key).add("delete");
                }
            }
        }

        // during: writes go on through the nodes that stay while one node leaves
        AtomicBoolean left = new AtomicBoolean();
        List<String> staying = indexes.stream().filter(index -> index != watching && index != leaving)
                .map(index -> cluster.node(index).url()).toList();
        Map<String, String> acknowledgedDuring = new LinkedHashMap<>();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 500 && !left.get(); i++) {
                String key = PREFIX + "during-" + i;
                ResponseEntity<byte[]> put = keys.put(staying.get(i % staying.size()), key, new byte[]{1}, MediaType.TEXT_PLAIN);
                if (put.getStatusCode().is2xxSuccessful()) {
                    acknowledgedDuring.put(key, "put " + put.getHeaders().getETag().replace("\"", ""));
                }
            }
        });
        cluster.stop(leaving);
        left.set(true);
        writer.join();

        // after: the same through the nodes that stayed
        for (int k = 0; k < 4; k++) {
            String key = PREFIX + "after-" + k;
            String through = staying.get(k % staying.size());
            expected.computeIfAbsent(key, any -> new ArrayList<>()).add(put(keys, through, key));
            expected.get(key).add(put(keys, staying.get((k + 1) % staying.size()), key));
            assertThat(keys.delete(through, key).getStatusCode().value()).isEqualTo(204);
            expected.get(key).add("delete");
        }

        await("every change under the prefix").atMost(DEADLINE).untilAsserted(() -> {
            Map<String, List<String>> seen = watch.changesByKey();
            expected.forEach((key, changes) -> assertThat(seen.get(key)).as(key).isEqualTo(changes));
            acknowledgedDuring.forEach((key, change) -> assertThat(seen.get(key)).as(key).contains(change));
        });
        assertThat(acknowledgedDuring).as("writes acknowledged while a node left").isNotEmpty();
        assertThat(watch.events()).allSatisfy(event -> assertThat(event.key()).startsWith(PREFIX));
        watch.changesByKey().forEach((key, changes) -> assertThat(changes).as(key).doesNotHaveDuplicates());
        assertThat(watch.versionsInOrderPerKey()).isTrue();
    }

    @Test
    void aResumedWatchGetsWhatItMissedAndOneFromBeyondTheLogsGetsReset() {
        cluster = TestCluster.builder().nodes(3).nodeProperty("dht.watch.log-size=20").build();
        KeyClient keys = new KeyClient(cluster.http());
        List<String> urls = cluster.indexes().stream().map(index -> cluster.node(index).url()).toList();
        Watch first = open(urls.getFirst(), PREFIX, null);
        String seen = put(keys, urls.get(1), PREFIX + "a");
        await("the first change").atMost(DEADLINE).until(() -> first.events().size() == 1);
        String lastEventId = first.events().getFirst().id();
        first.close();

        String missedPut = put(keys, urls.get(2), PREFIX + "b");
        assertThat(keys.delete(urls.get(1), PREFIX + "a").getStatusCode().value()).isEqualTo(204);
        Watch resumed = open(urls.get(2), PREFIX, lastEventId);
        await("what the first watch missed").atMost(DEADLINE).untilAsserted(() -> {
            assertThat(resumed.changesByKey().get(PREFIX + "b")).containsExactly(missedPut);
            assertThat(resumed.changesByKey().get(PREFIX + "a")).endsWith("delete");
        });
        assertThat(resumed.changesByKey().get(PREFIX + "a")).isSubsetOf(seen, "delete");
        assertThat(resumed.types()).doesNotContain("reset");

        for (int i = 0; i < 30; i++) {
            put(keys, urls.get(i % urls.size()), PREFIX + "flood-" + i);
        }
        Watch tooLate = open(urls.get(1), PREFIX, lastEventId);
        await("a reset").atMost(DEADLINE).until(() -> !tooLate.types().isEmpty());
        assertThat(tooLate.types().getFirst()).isEqualTo("reset");
    }

    @Test
    void watchesOfDifferentPrefixesOnOneNodeEachSeeTheirOwnAndOneEndingLeavesTheOthersGoing() {
        cluster = TestCluster.builder().nodes(2).build();
        KeyClient keys = new KeyClient(cluster.http());
        String watched = cluster.node(cluster.indexes().getFirst()).url();
        String other = cluster.node(cluster.indexes().getLast()).url();
        Watch users = open(watched, "user:", null);
        Watch orders = open(watched, "order:", null);

        String user = put(keys, other, "user:1");
        String order = put(keys, other, "order:1");
        await("each watch's change").atMost(DEADLINE).untilAsserted(() -> {
            assertThat(users.changesByKey()).containsOnlyKeys("user:1").containsEntry("user:1", List.of(user));
            assertThat(orders.changesByKey()).containsOnlyKeys("order:1").containsEntry("order:1", List.of(order));
        });

        users.close();
        String later = put(keys, other, "order:1");
        await("the other watch goes on").atMost(DEADLINE).untilAsserted(() ->
                assertThat(orders.changesByKey().get("order:1")).containsExactly(order, later));
    }

    @Test
    void aWatchEndsAfterItsTimeoutAndBadRequestsGetProblems() throws Exception {
        cluster = TestCluster.builder().nodes(1).nodeProperty("dht.watch.max-subscribers=1").build();
        String url = cluster.node(cluster.indexes().getFirst()).url();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<String> ended = http.send(HttpRequest.newBuilder(URI.create(url + "/keys?prefix=p&watch=true&timeout=1"))
                .timeout(DEADLINE).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ended.statusCode()).isEqualTo(200);
        assertThat(ended.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
        assertThat(ended.body()).startsWith(":watching");

        for (String query : List.of("prefix=p&watch=false", "prefix=" + "a".repeat(1025) + "&watch=true", "watch=true&timeout=0")) {
            assertProblem(http.send(HttpRequest.newBuilder(URI.create(url + "/keys?" + query)).timeout(DEADLINE).build(),
                    HttpResponse.BodyHandlers.ofString()), 400);
        }
        assertProblem(http.send(HttpRequest.newBuilder(URI.create(url + "/keys?watch=true")).header("Last-Event-ID", "yesterday")
                .timeout(DEADLINE).build(), HttpResponse.BodyHandlers.ofString()), 400);

        open(url, "", null);
        HttpResponse<String> beyond = http.send(HttpRequest.newBuilder(URI.create(url + "/keys?watch=true")).timeout(DEADLINE).build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(beyond, 429);
        assertThat(beyond.headers().firstValue("Retry-After")).isPresent();
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE));
    }

    /** A put of a new value; answers the change a watch shows for it. */
    private static String put(KeyClient keys, String through, String key) {
        ResponseEntity<byte[]> put = keys.put(through, key, ("value of " + key).getBytes(StandardCharsets.UTF_8), MediaType.TEXT_PLAIN);
        assertThat(put.getStatusCode().is2xxSuccessful()).as("PUT %s through %s", key, through).isTrue();
        return "put " + put.getHeaders().getETag().replace("\"", "");
    }

    /** Opens a watch, and waits until it is under way (its first line, a comment). */
    private Watch open(String nodeUrl, String prefix, String lastEventId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(nodeUrl + "/keys?watch=true&prefix="
                + URLEncoder.encode(prefix, StandardCharsets.UTF_8))).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        Watch watch = new Watch(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(), new CopyOnWriteArrayList<>());
        watches.add(watch);
        CompletableFuture<HttpResponse<Stream<String>>> response = watch.client().sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
        response.thenAccept(lines -> lines.body().forEach(watch.lines()::add));
        await("the watch under way").atMost(DEADLINE).until(() -> watch.lines().contains(":watching"));
        return watch;
    }

    /** One event of a watch. */
    private record Event(String type, String id, String key, String version) {
    }

    /** The lines of one watch's stream as they come. */
    private record Watch(HttpClient client, List<String> lines) {

        List<Event> events() {
            List<Event> events = new ArrayList<>();
            String type = null;
            String id = null;
            for (String line : List.copyOf(lines)) {
                if (line.startsWith("event:")) {
                    type = line.substring("event:".length());
                } else if (line.startsWith("id:")) {
                    id = line.substring("id:".length());
                } else if (line.startsWith("data:")) {
                    JsonNode data = JsonMapper.shared().readTree(line.substring("data:".length()));
                    events.add(new Event(type, id, data.path("key").asString(null), data.path("version").asString(null)));
                } else if (line.isEmpty()) {
                    type = null;
                    id = null;
                }
            }
            return events;
        }

        List<String> types() {
            return events().stream().map(Event::type).toList();
        }

        /** Each key's changes in the order they came: {@code put <version>} or {@code delete}. */
        Map<String, List<String>> changesByKey() {
            Map<String, List<String>> changes = new LinkedHashMap<>();
            events().stream().filter(event -> event.key() != null).forEach(event -> changes
                    .computeIfAbsent(event.key(), any -> new ArrayList<>())
                    .add(event.type().equals("put") ? "put " + event.version() : event.type()));
            return changes;
        }

        boolean versionsInOrderPerKey() {
            Map<String, String> last = new LinkedHashMap<>();
            for (Event event : events()) {
                if (event.key() == null) {
                    continue;
                }
                String before = last.put(event.key(), event.version());
                if (before != null && before.compareTo(event.version()) >= 0) {
                    return false;
                }
            }
            return true;
        }

        void close() {
            client.shutdownNow();
        }
    }
}
