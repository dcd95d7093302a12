package dht.cluster;

import dht.core.Ring;
import dht.core.RingPosition;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real cluster in one JVM: 1000 keys written through random nodes stay readable from every
 * other node, with the right owner, through a join, a graceful leave and a burst of joins.
 */
class ClusterTest {

    private static final int KEYS = 1000;

    @AutoClose
    private TestCluster cluster;

    @Test
    void keysStayReadableWithTheRightOwnerThroughJoinsAndLeaves() {
        cluster = TestCluster.builder().nodes(4).build();
        KeyClient client = new KeyClient(cluster.http());
        Random random = new Random(42);
        Map<String, String> written = new LinkedHashMap<>();
        for (int i = 0; i < KEYS; i++) {
            String key = "key-" + i + (i % 10 == 0 ? "/with/slashes" : "");
            String value = "value-" + i + "-" + random.nextInt();
            ResponseEntity<byte[]> response = client.put(cluster.randomNodeUrl(random), key, bytes(value), MediaType.TEXT_PLAIN);
            assertThat(response.getStatusCode().value()).as("PUT %s", key).isEqualTo(201);
            written.put(key, value);
        }
        assertEveryKeyReadableFromAnotherNode(client, written, random);

        int joined = cluster.addNode();
        Ring afterJoin = cluster.registryRing();
        long ownedByNewNode = written.keySet().stream()
                .filter(key -> afterJoin.ownerOfKey(key).equals(cluster.node(joined).ref()))
                .count();
        // not asserted positive: a new node's range may hold none of the 1,000 keys (about once in 300 joins)
        assertThat(cluster.ringView(joined).ownedKeys()).as("keys moved to the new node").isEqualTo(ownedByNewNode);
        assertEveryKeyReadableFromAnotherNode(client, written, random);

        cluster.stop(cluster.indexes().get(1));
        assertEveryKeyReadableFromEveryNode(client, written);
    }

    @Test
    void nodesStartedAtTheSameMomentEndInOneConsistentRing() {
        cluster = TestCluster.builder().nodes(1).build();
        cluster.startNodes(4);
        cluster.awaitRing();

        Ring ring = cluster.registryRing();
        assertThat(ring.size()).isEqualTo(5);
        for (int index : cluster.indexes()) {
            var view = cluster.ringView(index);
            RingPosition id = cluster.node(index).ref().id();
            assertThat(view.successor().id().toString()).isEqualTo(ring.memberAfter(id).id().toString());
            assertThat(view.predecessor().id().toString()).isEqualTo(ring.memberBefore(id).id().toString());
        }
    }

    @Test
    void writesAndDeletesDuringAJoinAreNeitherLostNorUndoneByTheTransfer() throws Exception {
        cluster = TestCluster.builder().nodes(2).nodeProperty("dht.transfer-batch-size=20").build();
        KeyClient client = new KeyClient(cluster.http());
        List<String> entryNodes = cluster.indexes().stream().map(index -> cluster.node(index).url()).toList();
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        for (int i = 0; i < 2000; i++) {
            String key = "busy-" + i;
            assertThat(client.put(entryNodes.get(i % 2), key, bytes("initial"), MediaType.TEXT_PLAIN).getStatusCode().value()).isEqualTo(201);
            acknowledged.put(key, "initial");
        }

        AtomicBoolean joined = new AtomicBoolean();
        AtomicInteger writesDuringJoin = new AtomicInteger();
        Thread writer = Thread.ofVirtual().start(() -> {
            Random random = new Random(7);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (int round = 0; round < 20_000 && System.nanoTime() < deadline; round++) {
                if (joined.get() && writesDuringJoin.get() > 0) {
                    return;
                }
                String key = "busy-" + random.nextInt(2000);
                String node = entryNodes.get(random.nextInt(entryNodes.size()));
                if (round % 5 == 0) {
                    int status = client.delete(node, key).getStatusCode().value();
                    if (status == 204 || status == 404) {
                        acknowledged.put(key, DELETED);
                    }
                } else {
                    String value = "round-" + round;
                    int status = client.put(node, key, bytes(value), MediaType.TEXT_PLAIN).getStatusCode().value();
                    if (status == 200 || status == 201) {
                        acknowledged.put(key, value);
                    }
                }
                if (!joined.get()) {
                    writesDuringJoin.incrementAndGet();
                }
            }
        });
        cluster.addNode();
        joined.set(true);
        writer.join(Duration.ofSeconds(90));
        assertThat(writer.isAlive()).as("writer finished").isFalse();
        assertThat(writesDuringJoin.get()).as("writes while the node joined").isPositive();

        Ring ring = cluster.registryRing();
        for (int index : cluster.indexes()) {
            String url = cluster.node(index).url();
            acknowledged.forEach((key, value) -> {
                if (value.equals(DELETED)) {
                    assertThat(client.get(url, key).getStatusCode().value()).as("deleted %s from %s", key, url).isEqualTo(404);
                } else {
                    assertReadable(client, url, key, value, ring);
                }
            });
        }
    }

    private static final String DELETED = "\u0000deleted";

    private void assertEveryKeyReadableFromAnotherNode(KeyClient client, Map<String, String> written, Random random) {
        Ring ring = cluster.registryRing();
        written.forEach((key, value) -> assertReadable(client, cluster.randomNodeUrl(random), key, value, ring));
    }

    private void assertEveryKeyReadableFromEveryNode(KeyClient client, Map<String, String> written) {
        Ring ring = cluster.registryRing();
        for (int index : cluster.indexes()) {
            String url = cluster.node(index).url();
            written.forEach((key, value) -> assertReadable(client, url, key, value, ring));
        }
    }

    private static void assertReadable(KeyClient client, String nodeUrl, String key, String value, Ring ring) {
        ResponseEntity<byte[]> response = client.get(nodeUrl, key);
        assertThat(response.getStatusCode().value()).as("GET %s from %s", key, nodeUrl).isEqualTo(200);
        assertThat(new String(response.getBody(), StandardCharsets.UTF_8)).as("value of %s", key).isEqualTo(value);
        assertThat(response.getHeaders().getFirst("X-DHT-Owner")).as("owner of %s", key)
                .isEqualTo(ring.ownerOfKey(key).id().toString());
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.TEXT_PLAIN);
        assertThat(Integer.parseInt(response.getHeaders().getFirst("X-DHT-Hops"))).as("hops in a stable ring").isLessThanOrEqualTo(1);
    }


    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
