package dht.client;

import dht.core.NodeRef;
import dht.core.Ring;
import dht.testkit.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The client while the ring changes under it: a node crashes, a node joins. */
class DhtClientRingChangesTest {

    @AutoClose
    private TestCluster cluster;
    @AutoClose
    private DhtClient client;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void readsFailOverToTheNextReplicaWhenTheOwnerCrashes() {
        cluster = TestCluster.builder().nodes(3).build();
        client = DhtClient.builder().registry(URI.create(cluster.registryUrl())).meterRegistry(meters).build();
        List<String> keys = IntStream.range(0, 30).mapToObj(i -> "crash:" + i).toList();
        keys.forEach(key -> client.put(key, utf8("value of " + key), "text/plain"));
        int victim = indexOf(cluster.registryRing().ownerOfKey(keys.getFirst()));

        cluster.kill(victim);

        for (String key : keys) {
            assertThat(client.get(key)).as("read of %s", key).map(Value::asString).contains("value of " + key);
        }
        assertThat(meters.counter("dht.client.failovers", "operation", "get").count()).isPositive();
        assertThat(meters.find("dht.client.requests").tag("operation", "get").tag("outcome", "success").timer().count())
                .isEqualTo(keys.size());
    }

    @Test
    void anAnswerNamingAnotherOwnerMakesTheClientLearnTheNewRing() {
        cluster = TestCluster.builder().nodes(3).build();
        client = DhtClient.builder().registry(URI.create(cluster.registryUrl())).meterRegistry(meters).build();
        List<String> keys = IntStream.range(0, 100).mapToObj(i -> "joined:" + i).toList();
        keys.forEach(key -> client.put(key, utf8("v"), "text/plain"));

        NodeRef joiner = cluster.node(cluster.addNode()).ref();
        Ring grown = cluster.registryRing();
        List<String> joinersKeys = keys.stream().filter(key -> grown.ownerOfKey(key).equals(joiner)).toList();
        assertThat(joinersKeys).as("keys the joiner took over").isNotEmpty();

        await("the client sends the joiner's keys straight to it").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (String key : joinersKeys) {
                ServedBy servedBy = client.get(key).orElseThrow().servedBy();
                assertThat(servedBy.node()).isEqualTo(joiner.address());
                assertThat(servedBy.hops()).isZero();
            }
        });
        assertThat(client.knownNodes()).contains(joiner);
        assertThat(meters.counter("dht.client.owner.mismatches").count()).isPositive();
    }

    @Test
    void aClientFollowingRingEventsLearnsAJoinWithoutSendingARequest() {
        cluster = TestCluster.builder().nodes(3).build();
        client = DhtClient.builder().registry(URI.create(cluster.registryUrl())).meterRegistry(meters).followRingEvents().build();
        await("subscribed to a node's ring events").atMost(Duration.ofSeconds(10))
                .until(() -> meters.counter("dht.client.ring.events", "type", "subscribed").count() >= 1);

        NodeRef joiner = cluster.node(cluster.addNode()).ref();

        await("the client knows the joiner").atMost(Duration.ofSeconds(10)).until(() -> client.knownNodes().contains(joiner));
        assertThat(meters.find("dht.client.requests").timers()).isEmpty();
    }

    private int indexOf(NodeRef node) {
        return cluster.indexes().stream().filter(index -> cluster.node(index).ref().equals(node)).findFirst().orElseThrow();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
