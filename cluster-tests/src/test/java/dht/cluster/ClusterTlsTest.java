package dht.cluster;

import dht.core.Ring;
import dht.testkit.SelfSignedCertificate;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;
import javax.net.ssl.SSLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A registry and two nodes that serve HTTPS only, ask every caller for a certificate (mutual TLS)
 * and call each other with a self-signed certificate made for the test: the ring forms and keys
 * travel between the nodes over TLS, and neither plain HTTP nor TLS without a certificate gets in.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterTlsTest {

    private SelfSignedCertificate certificate;
    private TestCluster cluster;
    private KeyClient keys;

    @BeforeAll
    void startCluster(@TempDir Path certificates) {
        certificate = SelfSignedCertificate.generate(certificates);
        cluster = TestCluster.builder().nodes(2).tls(certificate).build();
        keys = new KeyClient(cluster.http());
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aKeyWrittenThroughOneNodeIsReadThroughTheOther() {
        TestCluster.Node first = cluster.node(0);
        TestCluster.Node second = cluster.node(1);
        assertThat(first.url()).startsWith("https://");
        assertThat(cluster.registryUrl()).startsWith("https://");
        // a key the first node owns: written there, it reaches the second only as a copy sent over
        // TLS, and a read through the second, a replica, is served there with the first's copy, read over TLS
        Ring ring = cluster.registryRing();
        String key = IntStream.range(0, 1000).mapToObj(i -> "over-tls-" + i)
                .filter(candidate -> ring.ownerOfKey(candidate).equals(first.ref()))
                .findFirst().orElseThrow();

        ResponseEntity<byte[]> put = keys.put(first.url(), key, "secret".getBytes(StandardCharsets.UTF_8), MediaType.TEXT_PLAIN);
        ResponseEntity<byte[]> read = keys.get(second.url(), key);

        assertThat(put.getStatusCode().value()).isEqualTo(201);
        assertThat(read.getStatusCode().value()).isEqualTo(200);
        assertThat(new String(read.getBody(), StandardCharsets.UTF_8)).isEqualTo("secret");
        assertThat(read.getHeaders().getFirst("X-DHT-Owner")).isEqualTo(first.ref().id().toString());
        assertThat(read.getHeaders().getFirst("X-DHT-Hops")).isEqualTo("0");
    }

    @Test
    void theRegistryProbesNodesOverTlsAndSoRefusesToMarkDownOneThatAnswers() {
        TestCluster.Node first = cluster.node(0);
        TestCluster.Node second = cluster.node(1);

        ResponseEntity<String> report = cluster.http().post().uri(cluster.registryUrl() + "/nodes/{id}/down", second.ref().id().toString())
                .contentType(MediaType.APPLICATION_JSON)
                .body("{\"reporter\":\"" + first.ref().id() + "\"}")
                .exchange((request, response) -> ResponseEntity.status(response.getStatusCode()).body(new String(response.getBody().readAllBytes(),
                        StandardCharsets.UTF_8)));

        assertThat(report.getStatusCode().value()).as(report.getBody()).isEqualTo(409);
    }

    @Test
    void plainHttpToANodeIsRefused() throws Exception {
        URI plain = URI.create(cluster.node(0).url().replaceFirst("^https:", "http:") + "/keys/anything");
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest request = HttpRequest.newBuilder(plain).timeout(Duration.ofSeconds(10)).build();

            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());

            // Tomcat answers a plain request on a TLS port with a 400 of its own, not with the node
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("X-DHT-Owner")).isEmpty();
            assertThat(response.body()).contains("TLS");
        }
    }

    @Test
    void aClientWithoutACertificateCannotConnect() {
        try (HttpClient client = HttpClient.newBuilder().sslContext(certificate.trustOnlySslContext())
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(cluster.node(0).url() + "/keys/anything"))
                    .timeout(Duration.ofSeconds(10)).build();

            Throwable refused = catchThrowable(() -> client.send(request, HttpResponse.BodyHandlers.ofString()));

            assertThat(refused).isInstanceOf(SSLException.class);
        }
    }
}
