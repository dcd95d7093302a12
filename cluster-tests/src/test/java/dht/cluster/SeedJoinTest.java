package dht.cluster;

import dht.core.Ring;
import dht.core.wire.RingSnapshot;
import dht.node.config.NodeProperties;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With the registry down, nodes join through a seed node at their virtual positions, which they
 * allocate themselves on the ring they walk; they take over their ranges, and the restarted
 * registry learns of every position.
 */
class SeedJoinTest {

    private static final int KEYS = 300;
    private static final int POSITIONS = NodeProperties.DEFAULT_VIRTUAL_NODES;

    @AutoClose
    private TestCluster cluster;

    @Test
    void aNodeJoinsThroughASeedWhileTheRegistryIsDown() {
        cluster = TestCluster.builder().nodes(2).build();
        KeyClient client = new KeyClient(cluster.http());
        String seedUrl = cluster.node(cluster.indexes().getFirst()).url();
        putKeys(client, seedUrl);

        cluster.stopRegistry();
        int joiner = cluster.startNodeWith("dht.seed-nodes=" + seedAddress());

        awaitEveryNodeSeesTheWholeRing(3);
        RingSnapshot joined = cluster.ringView(joiner);
        assertThat(joined.positions()).as("the seed-joined node's positions").hasSize(POSITIONS);
        assertThat(joined.ownedKeys()).as("keys the seed-joined node took over").isPositive();
        assertEveryKeyOwnedOnceAndReadableAt(client, cluster.node(joiner).url());
        assertTheRestartedRegistryListsEveryPosition();
    }

    @Test
    void twoNodesJoinThroughOneSeedAtOnce() {
        cluster = TestCluster.builder().nodes(1).build();
        KeyClient client = new KeyClient(cluster.http());
        putKeys(client, cluster.node(cluster.indexes().getFirst()).url());

        cluster.stopRegistry();
        int first = cluster.startNodeWith("dht.seed-nodes=" + seedAddress());
        int second = cluster.startNodeWith("dht.seed-nodes=" + seedAddress());

        awaitEveryNodeSeesTheWholeRing(3);
        for (int joiner : List.of(first, second)) {
            assertThat(cluster.ringView(joiner).positions()).as("positions of node %d", joiner).hasSize(POSITIONS);
            assertEveryKeyOwnedOnceAndReadableAt(client, cluster.node(joiner).url());
        }
        assertTheRestartedRegistryListsEveryPosition();
    }

    private static void putKeys(KeyClient client, String url) {
        for (int i = 0; i < KEYS; i++) {
            assertThat(client.put(url, "seed-" + i, ("value-" + i).getBytes(StandardCharsets.UTF_8), MediaType.TEXT_PLAIN)
                    .getStatusCode().value()).isEqualTo(201);
        }
    }

    private String seedAddress() {
        return cluster.node(cluster.indexes().getFirst()).ref().address();
    }

    private void awaitEveryNodeSeesTheWholeRing(int nodes) {
        await("every node READY, seeing " + nodes + " nodes at " + POSITIONS + " positions each").atMost(Duration.ofSeconds(90))
                .until(() -> cluster.indexes().stream().map(cluster::ringView).allMatch(view -> view != null
                        && "READY".equals(view.state()) && Integer.valueOf(nodes).equals(view.knownNodes())
                        && Integer.valueOf(nodes * POSITIONS).equals(view.knownPositions())));
    }

    private void assertEveryKeyOwnedOnceAndReadableAt(KeyClient client, String url) {
        await("each key owned by exactly one position").atMost(Duration.ofSeconds(30)).until(() ->
                cluster.indexes().stream().map(cluster::ringView).map(RingSnapshot::ownedKeys).filter(Objects::nonNull)
                        .mapToLong(Long::longValue).sum() == KEYS);
        for (int i = 0; i < KEYS; i++) {
            assertThat(new String(client.get(url, "seed-" + i).getBody(), StandardCharsets.UTF_8)).isEqualTo("value-" + i);
        }
    }

    private void assertTheRestartedRegistryListsEveryPosition() {
        cluster.restartRegistry();
        Ring ring = cluster.registryRing();
        assertThat(ring.nodes()).containsExactlyInAnyOrderElementsOf(
                cluster.indexes().stream().map(index -> cluster.node(index).ref()).toList());
        for (int index : cluster.indexes()) {
            assertThat(ring.positionsOf(cluster.node(index).ref().id())).as("positions of node %d", index)
                    .containsExactlyElementsOf(cluster.ringView(index).positions().stream().map(RingSnapshot.Position::position).toList());
        }
        assertThat(ring.positionCount()).isEqualTo(cluster.indexes().size() * POSITIONS);
    }
}
