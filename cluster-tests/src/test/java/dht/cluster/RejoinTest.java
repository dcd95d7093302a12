package dht.cluster;

import dht.testkit.TestCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.http.MediaType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node declared dead while it still runs (its liveness failing for a while, as a stalled process
 * would) finds itself removed, joins again with its keys, and nothing written meanwhile is lost,
 * also when it is declared dead again in the middle of joining.
 */
class RejoinTest {

    private static final int KEYS = 200;

    @AutoClose
    private TestCluster cluster;

    @Test
    void aNodeDeclaredDeadWhileRunningJoinsAgain() {
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
        await("the stalled node dropped by the registry").atMost(Duration.ofSeconds(30))
                .until(() -> !listed(stalledId));
        // still stalled, the node finds itself removed, joins again and is declared dead again, over
        // and over; writes go on through all of it, in rounds until it was back and dropped once more.
        // A write refused with 503 meanwhile is retried as a client would; every acknowledged one must survive.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        boolean back = false;
        boolean droppedAgain = false;
        int round = 0;
        while (!droppedAgain && Instant.now().isBefore(deadline)) {
            round++;
            for (int i = 0; i < KEYS; i += 2) {
                String key = "rejoin-" + i;
                byte[] value = bytes(during(round, i));
                await(key + " written while the stalled node is out").pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(30))
                        .until(() -> client.put(other, key, value, MediaType.TEXT_PLAIN).getStatusCode().is2xxSuccessful());
                boolean listed = listed(stalledId);
                back |= listed;
                droppedAgain |= back && !listed;
            }
        }
        assertThat(droppedAgain).as("the stalled node joined again and was dropped again within %d rounds", round).isTrue();
        AvailabilityChangeEvent.publish(cluster.node(stalled).context(), LivenessState.CORRECT);

        cluster.awaitRing();
        assertThat(cluster.registryRing().size()).isEqualTo(4);
        for (int index : cluster.indexes()) {
            String url = cluster.node(index).url();
            for (int i = 0; i < KEYS; i++) {
                String expected = i % 2 == 0 ? during(round, i) : "before-" + i;
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
