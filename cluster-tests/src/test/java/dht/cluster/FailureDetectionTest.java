package dht.cluster;

import dht.core.Ring;
import dht.core.wire.Member;
import dht.core.wire.MemberState;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node that crashes is found out by its predecessor and, the registry unable to reach it either,
 * marked DOWN: the ring is relinked around it, and it is out of the ring that owns and routes while
 * the registry still lists it, DOWN, at its positions.
 */
class FailureDetectionTest {

    @AutoClose
    private TestCluster cluster;

    @Test
    void aCrashedNodeIsDroppedAndTheRingRelinksAroundIt() {
        cluster = TestCluster.builder().nodes(4).build();
        int victim = cluster.indexes().get(2);
        String victimId = cluster.node(victim).ref().id().toString();

        cluster.kill(victim);
        cluster.awaitRing(Duration.ofSeconds(30));

        assertThat(cluster.registryRing().nodes()).extracting(node -> node.id().toString()).doesNotContain(victimId);
        Member listed = cluster.http().get().uri(cluster.registryUrl() + "/nodes/" + victimId).retrieve().body(Member.class);
        assertThat(listed.state()).isEqualTo(MemberState.DOWN);
        assertThat(listed.downSince()).isNotNull();
        KeyClient client = new KeyClient(cluster.http());
        Ring ring = cluster.registryRing();
        for (int i = 0; i < 200; i++) {
            String key = "after-crash-" + i;
            String url = cluster.node(cluster.indexes().get(i % 3)).url();
            assertThat(client.put(url, key, key.getBytes(StandardCharsets.UTF_8), MediaType.TEXT_PLAIN).getStatusCode().value())
                    .as("PUT %s", key).isEqualTo(201);
            var read = client.get(cluster.node(cluster.indexes().get((i + 1) % 3)).url(), key);
            assertThat(read.getStatusCode().value()).isEqualTo(200);
            assertThat(read.getHeaders().getFirst("X-DHT-Owner")).isEqualTo(ring.ownerOfKey(key).id().toString());
        }
    }
}
