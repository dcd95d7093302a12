package dht.generatedclient;

import dht.generatedclient.api.ActuatorApi;
import dht.generatedclient.api.KeysApi;
import dht.generatedclient.invoker.ApiClient;
import dht.generatedclient.invoker.ApiException;
import dht.generatedclient.model.KeyWritten;
import dht.generatedclient.model.RingSnapshot;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Java client openapi-generator made from the node's client document (written by NodeDocument
 * during the build) against a cluster in this JVM: it compiles, stores a value and reads it back byte
 * for byte, deletes it, and reads the node's probes and its view of the ring.
 */
class GeneratedClientTest {

    private static TestCluster cluster;
    private static ApiClient client;

    @BeforeAll
    static void start() {
        cluster = TestCluster.builder().nodes(2).build();
        client = new ApiClient();
        client.setBasePath(cluster.node(cluster.indexes().getFirst()).url());
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aValuePutThroughTheClientIsReadBackByteForByteAndDeleted(@TempDir Path folder) throws Exception {
        KeysApi keys = new KeysApi(client);
        String key = "generated/client:ключ";
        byte[] value = {0, (byte) 0xff, (byte) 0xfe, 'D', 'H', 'T', '\r', '\n', (byte) 0x80};
        Path sent = Files.write(folder.resolve("value.bin"), value);

        KeyWritten written = keys.put(key, null, null, null, null, sent.toFile());
        assertThat(written.getKey()).isEqualTo(key);
        assertThat(written.getPosition()).matches("[0-9a-f]{16}");
        assertThat(written.getOwner()).matches("[0-9a-f]{16}");

        File read = keys.get(key, null);
        assertThat(Files.readAllBytes(read.toPath())).isEqualTo(value);

        keys.delete(key, null, null, null);
        assertThatExceptionOfType(ApiException.class).isThrownBy(() -> keys.get(key, null))
                .satisfies(missing -> assertThat(missing.getCode()).isEqualTo(404))
                .satisfies(missing -> assertThat(missing.getResponseBody()).contains("\"status\":404"));
    }

    @Test
    void aValueWrittenWithATtlIsReadWithItsExpiry(@TempDir Path folder) throws Exception {
        KeysApi keys = new KeysApi(client);
        Path sent = Files.write(folder.resolve("value.txt"), "expiring".getBytes(StandardCharsets.UTF_8));

        keys.put("generated/expiring", null, 3600L, null, null, sent.toFile());

        Map<String, List<String>> headers = keys.getWithHttpInfo("generated/expiring", null).getHeaders();
        assertThat(headers.entrySet()).filteredOn(header -> header.getKey().equalsIgnoreCase("X-DHT-Expires"))
                .singleElement().satisfies(header -> assertThat(Instant.parse(header.getValue().getFirst())).isAfter(Instant.now()));
        keys.delete("generated/expiring", null, null, null);
    }

    @Test
    void theActuatorEndpointsReadThroughTheClient() throws Exception {
        ActuatorApi actuator = new ActuatorApi(client);
        assertThat(actuator.readiness().getStatus()).isEqualTo("UP");
        assertThat(actuator.liveness().getStatus()).isEqualTo("UP");
        RingSnapshot ring = actuator.ring();
        assertThat(ring.getId()).matches("[0-9a-f]{16}");
        assertThat(ring.getSuccessor().getId()).matches("[0-9a-f]{16}");
    }
}
