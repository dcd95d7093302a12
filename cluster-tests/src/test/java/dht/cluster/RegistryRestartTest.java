package dht.cluster;

import dht.testkit.TestCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry is not needed for reads and writes, and a registry restarted with nothing gets its ring back from the nodes. */
class RegistryRestartTest {

    private static final int KEYS = 200;

    @AutoClose
    private TestCluster cluster;

    @Test
    void keysStayServedWhileTheRegistryIsDownAndTheRestartedRegistryRelearnsTheRing() {
        cluster = TestCluster.builder().nodes(3).build();
        KeyClient client = new KeyClient(cluster.http());
        List<String> urls = cluster.indexes().stream().map(index -> cluster.node(index).url()).toList();
        for (int i = 0; i < KEYS / 2; i++) {
            assertThat(client.put(urls.get(i % 3), "reg-" + i, bytes("before-" + i), MediaType.TEXT_PLAIN).getStatusCode().is2xxSuccessful()).isTrue();
        }

        cluster.stopRegistry();
        for (int i = KEYS / 2; i < KEYS; i++) {
            assertThat(client.put(urls.get(i % 3), "reg-" + i, bytes("during-" + i), MediaType.TEXT_PLAIN).getStatusCode())
                    .as("write while the registry is down").isEqualTo(HttpStatus.CREATED);
        }
        assertEveryKeyReadableFromEveryNode(client, urls);

        cluster.restartRegistry();
        assertThat(cluster.registryRing().size()).isEqualTo(3);
        assertEveryKeyReadableFromEveryNode(client, urls);
    }

    private static void assertEveryKeyReadableFromEveryNode(KeyClient client, List<String> urls) {
        for (String url : urls) {
            for (int i = 0; i < KEYS; i++) {
                String expected = (i < KEYS / 2 ? "before-" : "during-") + i;
                assertThat(new String(client.get(url, "reg-" + i).getBody(), StandardCharsets.UTF_8)).as("reg-%d from %s", i, url).isEqualTo(expected);
            }
        }
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
