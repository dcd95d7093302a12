package dht.cluster;

import dht.testkit.TestCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.http.MediaType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node found DOWN while it still runs (its liveness failing for a while, as a stalled process
 * would) notices, and tries to join back; the registry lets it only once it reaches the node
 * again, so that it does not flap in and out of the ring meanwhile. Nothing written while it was
 * out is lost, and it serves everything again once back.
 */
class RejoinTest {

    private static final int KEYS = 200;
    private static final int ROUNDS = 3;

    @AutoClose
    private TestCluster cluster;

    @Test
    void aNodeFoundDownWhileRunningJoinsBackOnlyOnceItAnswersAgain() {
        cluster = TestCluster.builder().nodes(4).build();
        KeyClient client = new KeyClient(cluster.http());
        List<Integer> indexes = cluster.indexes();
        int stalled = indexes.get(1);
        String stalledId = cluster.node(stalled).ref().id().toString();
        String other = cluster.node(indexes.get(0)).url();
        for (int i = 0; i < KEYS; i++) {
            assertThat(client.put(other, "rejoin-" + i, bytes("before-" + i), MediaType.TEXT_PLAIN).getStatusCode().value())
                    .isEqualTo(201);
        }

        AvailabilityChangeEvent.publish(cluster.node(stalled).context(), LivenessState.BROKEN);
        await("the stalled node out of the ring").atMost(Duration.ofSeconds(30)).until(() -> !listed(stalledId));
        // still stalled, the node finds itself DOWN and asks to join back, over and over; the registry
        // refuses it while it cannot reach it. Writes go on through all of it; one refused with 503 is
        // retried as a client would, and every acknowledged one must survive.
        for (int round = 1; round <= ROUNDS; round++) {
            for (int i = 0; i < KEYS; i += 2) {
                String key = "rejoin-" + i;
                byte[] value = bytes(during(round, i));
                await(key + " written while the stalled node is out").pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(30))
                        .until(() -> client.put(other, key, value, MediaType.TEXT_PLAIN).getStatusCode().is2xxSuccessful());
                assertThat(listed(stalledId)).as("the stalled node back in the ring while the registry cannot reach it").isFalse();
            }
        }
        AvailabilityChangeEvent.publish(cluster.node(stalled).context(), LivenessState.CORRECT);

        cluster.awaitRing();
        assertThat(cluster.registryRing().size()).isEqualTo(4);
        for (int index : cluster.indexes()) {
            String url = cluster.node(index).url();
            for (int i = 0; i < KEYS; i++) {
                String expected = i % 2 == 0 ? during(ROUNDS, i) : "before-" + i;
                assertThat(new String(client.get(url, "rejoin-" + i).getBody(), StandardCharsets.UTF_8))
                        .as("rejoin-%d from %s", i, url).isEqualTo(expected);
            }
        }
    }

    private boolean listed(String id) {
        return cluster.registryRing().nodes().stream().anyMatch(node -> node.id().toString().equals(id));
    }

    private static String during(int round, int i) {
        return "during-" + round + "-" + i;
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
