package dht.cluster;

import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.VirtualPositions;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Five nodes of eight positions each ({@code dht.virtual-nodes=8}) share the keys evenly, and keep
 * every key readable from every node, with the right owner and at most one hop, while a node
 * joins, one leaves and one crashes: key transfer and takeover work position by position.
 */
class VirtualNodesTest {

    private static final int POSITIONS = 8;
    /** Enough keys that a node's count strays from its share of the ring by a few percent at most. */
    private static final int KEYS = 10_000;
    private static final BigDecimal MOST_ABOVE_MEAN = new BigDecimal("1.25");

    @AutoClose
    private TestCluster cluster;

    @Test
    void fiveNodesOfEightPositionsHoldTheKeysEvenlyThroughAJoinALeaveAndACrash() {
        cluster = TestCluster.builder().nodes(5).nodeProperty("dht.virtual-nodes=" + POSITIONS).build();
        cluster.awaitRing();
        Ring ring = cluster.registryRing();
        for (NodeRef node : ring.nodes()) {
            assertThat(ring.positionsOf(node.id())).as("positions of %s", node).hasSize(POSITIONS).contains(node.id());
        }
        for (int index : cluster.indexes()) {
            assertThat(cluster.ringView(index).knownPositions()).as("positions node %d knows", index)
                    .isEqualTo(ring.positionCount());
        }
        BigDecimal meanShare = new BigDecimal(BigInteger.TWO.pow(64)).divide(BigDecimal.valueOf(ring.size()), MathContext.DECIMAL64);
        for (NodeRef node : ring.nodes()) {
            assertThat(new BigDecimal(VirtualPositions.load(ring, node)).divide(meanShare, MathContext.DECIMAL64))
                    .as("share of the ring of %s relative to the mean", node).isLessThanOrEqualTo(MOST_ABOVE_MEAN);
        }

        KeyClient client = new KeyClient(cluster.http());
        Random random = new Random(8);
        Map<String, String> written = new LinkedHashMap<>();
        for (int i = 0; i < KEYS; i++) {
            String key = "vkey-" + i;
            String value = "value-" + i;
            ResponseEntity<byte[]> response = client.put(cluster.randomNodeUrl(random), key, value.getBytes(StandardCharsets.UTF_8), MediaType.TEXT_PLAIN);
            assertThat(response.getStatusCode().value()).as("PUT %s", key).isEqualTo(201);
            written.put(key, value);
        }
        Map<NodeRef, Long> keysPerNode = written.keySet().stream().collect(Collectors.groupingBy(ring::ownerOfKey, Collectors.counting()));
        double mean = (double) KEYS / ring.size();
        for (int index : cluster.indexes()) {
            NodeRef node = cluster.node(index).ref();
            assertThat(cluster.ringView(index).ownedKeys()).as("keys %s reports owning", node)
                    .isEqualTo(keysPerNode.getOrDefault(node, 0L));
            assertThat(keysPerNode.getOrDefault(node, 0L) / mean).as("keys of %s relative to the mean", node)
                    .isLessThanOrEqualTo(MOST_ABOVE_MEAN.doubleValue());
        }
        assertKeysReadable(client, sample(written), random);

        int joined = cluster.addNode();
        Ring afterJoin = cluster.registryRing();
        assertThat(afterJoin.positionsOf(cluster.node(joined).ref().id())).hasSize(POSITIONS);
        long ownedByNewNode = written.keySet().stream().filter(key -> afterJoin.ownerOfKey(key).equals(cluster.node(joined).ref())).count();
        assertThat(ownedByNewNode).as("keys the new node owns").isPositive();
        assertThat(cluster.ringView(joined).ownedKeys()).as("keys moved to the new node, position by position")
                .isEqualTo(ownedByNewNode);
        assertKeysReadable(client, sample(written), random);

        cluster.stop(cluster.indexes().get(1));
        assertKeysReadable(client, sample(written), random);

        cluster.kill(cluster.indexes().get(2));
        cluster.awaitRing(Duration.ofSeconds(60));
        assertKeysReadable(client, written, random);
    }

    /** Every tenth key: between the steps, the last step reads them all. */
    private static Map<String, String> sample(Map<String, String> written) {
        Map<String, String> sample = new LinkedHashMap<>();
        int i = 0;
        for (Map.Entry<String, String> entry : written.entrySet()) {
            if (i++ % 10 == 0) {
                sample.put(entry.getKey(), entry.getValue());
            }
        }
        return sample;
    }

    /** Each key from a random node, with its owner as the registry's ring has it, at most one hop away. */
    private void assertKeysReadable(KeyClient client, Map<String, String> written, Random random) {
        Ring ring = cluster.registryRing();
        written.forEach((key, value) -> {
            String url = cluster.randomNodeUrl(random);
            ResponseEntity<byte[]> response = client.get(url, key);
            assertThat(response.getStatusCode().value()).as("GET %s from %s", key, url).isEqualTo(200);
            assertThat(new String(response.getBody(), StandardCharsets.UTF_8)).as("value of %s", key).isEqualTo(value);
            assertThat(response.getHeaders().getFirst("X-DHT-Owner")).as("owner of %s", key)
                    .isEqualTo(ring.ownerOfKey(key).id().toString());
            assertThat(Integer.parseInt(response.getHeaders().getFirst("X-DHT-Hops"))).as("hops in a stable ring").isLessThanOrEqualTo(1);
        });
    }
}
