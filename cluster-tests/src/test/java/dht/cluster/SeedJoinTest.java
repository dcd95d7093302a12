package dht.cluster;

import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.wire.RingSnapshot;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** With the registry down, a node joins through a seed node, takes over its range, and the restarted registry learns of it. */
class SeedJoinTest {

    private static final int KEYS = 300;

    @AutoClose
    private TestCluster cluster;

    @Test
    void aNodeJoinsThroughASeedWhileTheRegistryIsDown() {
        // a node joining through a seed walks the ring by IDs: the ring it joins stands at one position per node
        cluster = TestCluster.builder().nodes(2).nodeProperty("dht.virtual-nodes=1").build();
        KeyClient client = new KeyClient(cluster.http());
        List<Integer> first = cluster.indexes();
        String seedUrl = cluster.node(first.getFirst()).url();
        for (int i = 0; i < KEYS; i++) {
            assertThat(client.put(seedUrl, "seed-" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8), MediaType.TEXT_PLAIN)
                    .getStatusCode().value()).isEqualTo(201);
        }

        cluster.stopRegistry();
        String seedAddress = cluster.node(first.getFirst()).ref().address();
        int joiner = cluster.startNodeWith("dht.seed-nodes=" + seedAddress);

        await("every node sees a ring of three, the new node serving").atMost(Duration.ofSeconds(60)).until(() ->
                cluster.indexes().stream().map(cluster::ringView).allMatch(view -> view != null
                        && "READY".equals(view.state()) && Integer.valueOf(3).equals(view.knownNodes())));
        Ring ring = Ring.of(cluster.indexes().stream().map(index -> cluster.node(index).ref()).toList());
        long owned = IntStream.range(0, KEYS).mapToObj(i -> "seed-" + i)
                .filter(key -> ring.ownerOf(RingPosition.ofKey(key)).equals(cluster.node(joiner).ref()))
                .count();
        RingSnapshot joined = cluster.ringView(joiner);
        assertThat(joined.ownedKeys()).as("keys the seed-joined node took over").isEqualTo(owned);
        String joinerUrl = cluster.node(joiner).url();
        for (int i = 0; i < KEYS; i++) {
            assertThat(new String(client.get(joinerUrl, "seed-" + i).getBody(), StandardCharsets.UTF_8)).isEqualTo("value-" + i);
        }

        cluster.restartRegistry();
        assertThat(cluster.registryRing().nodes()).containsExactlyInAnyOrderElementsOf(
                cluster.indexes().stream().map(index -> cluster.node(index).ref()).toList());
    }
}
