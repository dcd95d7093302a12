package dht.cluster;

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
 * A node declared dead while it still runs (its liveness failing for a while, as a stalled process
 * would) finds itself removed, joins again with its keys, and nothing written meanwhile is lost.
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
            client.put(other, "rejoin-" + i, bytes("before-" + i), MediaType.TEXT_PLAIN);
        }

        AvailabilityChangeEvent.publish(cluster.node(stalled).context(), LivenessState.BROKEN);
        await("the stalled node dropped by the registry").atMost(Duration.ofSeconds(30))
                .until(() -> cluster.registryRing().nodes().stream().noneMatch(node -> node.id().toString().equals(stalledId)));
        for (int i = 0; i < KEYS; i += 2) {
            client.put(other, "rejoin-" + i, bytes("during-" + i), MediaType.TEXT_PLAIN);
        }
        AvailabilityChangeEvent.publish(cluster.node(stalled).context(), LivenessState.CORRECT);

        cluster.awaitRing();
        assertThat(cluster.registryRing().size()).isEqualTo(4);
        for (int index : cluster.indexes()) {
            String url = cluster.node(index).url();
            for (int i = 0; i < KEYS; i++) {
                String expected = (i % 2 == 0 ? "during-" : "before-") + i;
                assertThat(new String(client.get(url, "rejoin-" + i).getBody(), StandardCharsets.UTF_8))
                        .as("rejoin-%d from %s", i, url).isEqualTo(expected);
            }
        }
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
