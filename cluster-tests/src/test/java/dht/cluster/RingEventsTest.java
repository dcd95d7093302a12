package dht.cluster;

import dht.core.RingPosition;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A subscriber to a node's {@code /ring/events} sees another node join and then leave, in that order. */
class RingEventsTest {

    private TestCluster cluster;
    private CompletableFuture<HttpResponse<Stream<String>>> subscription;

    @AfterEach
    void stop() {
        if (subscription != null) {
            subscription.cancel(true);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aSubscriberSeesANodeJoinAndThenLeave() {
        cluster = TestCluster.builder().nodes(2).build();
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.node(cluster.indexes().getFirst()).url() + "/ring/events"))
                .header("Accept", "text/event-stream").build();
        subscription = client.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        subscription.thenAccept(response -> response.body().forEach(lines::add));
        await().atMost(Duration.ofSeconds(10)).until(subscription::isDone);

        int joined = cluster.addNode();
        String id = cluster.node(joined).ref().id().toString();
        await("node-joined of " + id).atMost(Duration.ofSeconds(30)).until(() -> indexOf(lines, "node-joined", id) >= 0);

        cluster.stop(joined);
        await("node-left of " + id).atMost(Duration.ofSeconds(30)).until(() -> indexOf(lines, "node-left", id) >= 0);
        assertThat(indexOf(lines, "node-joined", id)).isLessThan(indexOf(lines, "node-left", id));
    }

    @Test
    void afterADownNodeIsRemovedItsRangesNewReplicasAreAnnounced() {
        cluster = TestCluster.builder().nodes(4).registryProperty("dht.down-removal-timeout=2s").build();
        int stopped = cluster.indexes().get(1);
        RingPosition stoppedId = cluster.node(stopped).ref().id();
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int survivor = cluster.indexes().getFirst();
        HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.node(survivor).url() + "/ring/events"))
                .header("Accept", "text/event-stream").build();
        subscription = client.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        subscription.thenAccept(response -> response.body().forEach(lines::add));
        await().atMost(Duration.ofSeconds(10)).until(subscription::isDone);

        cluster.stopInPlace(stopped);
        cluster.awaitRemoved(stoppedId, Duration.ofSeconds(30));

        String self = cluster.node(survivor).ref().id().toString();
        await("re-replicated from " + self).atMost(Duration.ofSeconds(60)).until(() -> indexOf(lines, "re-replicated", self) >= 0);
    }

    @Test
    void streamsAreBoundedHeartbeatedAndAVanishedSubscriberMakesRoomForAnother() throws Exception {
        cluster = TestCluster.builder().nodes(1).nodeProperty("dht.events.max-subscribers=2")
                .nodeProperty("dht.events.heartbeat-interval=200ms").build();
        URI events = URI.create(cluster.node(cluster.indexes().getFirst()).url() + "/ring/events");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> first = new CopyOnWriteArrayList<>();
        subscription = client.sendAsync(HttpRequest.newBuilder(events).build(), HttpResponse.BodyHandlers.ofLines());
        subscription.thenAccept(response -> response.body().forEach(first::add));
        HttpClient other = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<InputStream> second = other.send(HttpRequest.newBuilder(events).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(second.statusCode()).isEqualTo(200);

        await("heartbeats on a quiet stream").atMost(Duration.ofSeconds(10)).until(() -> first.contains(":heartbeat"));
        HttpResponse<String> third = client.send(HttpRequest.newBuilder(events).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(third.statusCode()).as("a third stream beyond dht.events.max-subscribers=2").isEqualTo(429);
        assertThat(third.headers().firstValue("Retry-After")).isPresent();
        assertThat(third.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));

        // the second subscriber goes away without a word; the next heartbeat finds it gone
        second.body().close();
        other.close();
        await("room for a new subscriber").atMost(Duration.ofSeconds(20)).until(() -> {
            HttpResponse<InputStream> next = client.send(HttpRequest.newBuilder(events).build(), HttpResponse.BodyHandlers.ofInputStream());
            next.body().close();
            return next.statusCode() == 200;
        });
    }

    /** The line number of the {@code data:} line of the first {@code type} event about node {@code id}. */
    private static int indexOf(List<String> lines, String type, String id) {
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i - 1).equals("event:" + type) && lines.get(i).startsWith("data:") && lines.get(i).contains(id)) {
                return i;
            }
        }
        return -1;
    }
}
