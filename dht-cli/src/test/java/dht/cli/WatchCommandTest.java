package dht.cli;

import dht.client.Json;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code dhtctl watch} follows a node's {@code /ring/events}: another node joining, then leaving, in that order. */
class WatchCommandTest {

    private TestCluster cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void watchShowsANodeJoiningAndThenLeaving() throws Exception {
        cluster = TestCluster.builder().nodes(2).build();
        String watched = cluster.node(cluster.indexes().getFirst()).url();
        Cli.Running watch = Cli.start("--registry", cluster.registryUrl(), "watch", watched,
                "--type", "node-joined,node-left", "--limit", "2");
        awaitSubscribed(watch);

        int joined = cluster.addNode();
        String address = cluster.node(joined).ref().address();
        cluster.stop(joined);

        Cli.Result result = watch.await(Duration.ofSeconds(60));
        assertThat(result.exit()).as(result.toString()).isZero();
        List<String> lines = result.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("\\S+Z  node-joined +[0-9a-f]{16} " + address.replace(".", "\\."));
        assertThat(lines.get(1)).matches("\\S+Z  node-left +[0-9a-f]{16} " + address.replace(".", "\\."));
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void jsonOutputIsEachEventsOwnJsonOnALine() throws Exception {
        cluster = TestCluster.builder().nodes(1).build();
        Cli.Running watch = Cli.start("--node", cluster.node(cluster.indexes().getFirst()).url(), "-o", "json", "watch",
                "--type", "node-joined", "-n", "1");
        awaitSubscribed(watch);

        int joined = cluster.addNode();

        Cli.Result result = watch.await(Duration.ofSeconds(60));
        assertThat(result.exit()).as(result.toString()).isZero();
        assertThat(result.out().lines()).hasSize(1);
        JsonNode event = Json.parseOrNull(result.stdout());
        assertThat(event.path("type").asString()).isEqualTo("node-joined");
        assertThat(event.path("node").path("address").asString()).isEqualTo(cluster.node(joined).ref().address());
        assertThat(event.path("at").asString()).isNotEmpty();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void watchKeysShowsEveryPutAndDeleteUnderThePrefixMadeThroughAnyNode() throws Exception {
        cluster = TestCluster.builder().nodes(2).build();
        String watched = cluster.node(cluster.indexes().getFirst()).url();
        String other = cluster.node(cluster.indexes().getLast()).url();
        Cli.Running watch = Cli.start("--node", watched, "watch", "--keys", "user:", "-n", "2");
        await("the watch to subscribe").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> watch.stderr().startsWith("watching the keys under 'user:' through ") || watch.result().isDone());
        assertThat(watch.result()).as(watch.stderr()).isNotDone();

        RestClient http = cluster.http();
        http.put().uri(other + "/keys/order:1").contentType(MediaType.TEXT_PLAIN).body("o").retrieve().toBodilessEntity();
        http.put().uri(other + "/keys/user:1").contentType(MediaType.TEXT_PLAIN).body("u").retrieve().toBodilessEntity();
        http.delete().uri(other + "/keys/user:1").retrieve().toBodilessEntity();

        Cli.Result result = watch.await(Duration.ofSeconds(60));
        assertThat(result.exit()).as(result.toString()).isZero();
        List<String> lines = result.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("put +user:1  [0-9a-f]{16}-[0-9a-f]{16}");
        assertThat(lines.get(1)).matches("delete +user:1  [0-9a-f]{16}-[0-9a-f]{16}");
    }

    /**
     * A watcher sees only what happens after it subscribed, so the ring must not change before: it
     * says so on standard error once the node's stream has answered.
     */
    private static void awaitSubscribed(Cli.Running watch) {
        await("the watch to subscribe").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
                .until(() -> watch.stderr().startsWith("watching ring events of ") || watch.result().isDone());
        assertThat(watch.result()).as(watch.stderr()).isNotDone();
    }
}
