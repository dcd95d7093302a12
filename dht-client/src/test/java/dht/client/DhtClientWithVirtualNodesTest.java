package dht.client;

import dht.core.NodeRef;
import dht.core.Ring;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four nodes at four positions each (replication factor 3, so each key has a node that is none of
 * its replicas): the client routes by every position, whether it learned them from the registry or
 * from the nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DhtClientWithVirtualNodesTest {

    private TestCluster cluster;

    @BeforeAll
    void startCluster() {
        cluster = TestCluster.builder().nodes(4).nodeProperty("dht.virtual-nodes=4").build();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "ring learned from the {0}")
    @ValueSource(strings = {"registry", "nodes"})
    void everyRequestIsServedByTheOwnerOfTheKeysPosition(String source) {
        Ring ring = cluster.registryRing();
        assertThat(ring.positionCount()).isEqualTo(16);
        try (DhtClient client = clientLearningFrom(source)) {
            for (int i = 0; i < 100; i++) {
                String key = source + ":" + i;
                NodeRef owner = ring.ownerOfKey(key);

                ServedBy written = client.put(key, ("v" + i).getBytes(StandardCharsets.UTF_8), "text/plain").servedBy();
                ServedBy read = client.get(key).orElseThrow().servedBy();

                assertThat(written).as("write of %s", key).isEqualTo(new ServedBy(owner.address(), owner.id().toString(), 0));
                assertThat(read).as("read of %s", key).isEqualTo(new ServedBy(owner.address(), owner.id().toString(), 0));
            }
        }
    }

    private DhtClient clientLearningFrom(String source) {
        DhtClient.Builder builder = DhtClient.builder();
        return switch (source) {
            case "registry" -> builder.registry(URI.create(cluster.registryUrl())).build();
            default -> builder.nodes(URI.create(cluster.node(cluster.indexes().getLast()).url())).build();
        };
    }
}
