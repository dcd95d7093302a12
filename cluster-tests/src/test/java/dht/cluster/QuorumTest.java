package dht.cluster;

import dht.testkit.TestCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.util.UriComponentsBuilder;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Two nodes, three copies wanted: a request's own quorum is met only when that many nodes can hold a copy. */
class QuorumTest {

    @AutoClose
    private TestCluster cluster;

    @Test
    void aRequestAskingForMoreCopiesThanTheRingCanHoldIsRefusedAndFewerSucceed() {
        cluster = TestCluster.builder().nodes(2).build();
        KeyClient client = new KeyClient(cluster.http());
        String url = cluster.node(cluster.indexes().getFirst()).url();
        byte[] value = "v".getBytes(StandardCharsets.UTF_8);

        ResponseEntity<byte[]> threeCopies = client.exchange(cluster.http().put()
                .uri(UriComponentsBuilder.fromUri(KeyClient.uri(url, "q")).queryParam("w", 3).build(true).toUri())
                .contentType(MediaType.TEXT_PLAIN).body(value));
        assertThat(threeCopies.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(threeCopies.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(threeCopies.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isNotBlank();

        ResponseEntity<byte[]> twoCopies = client.exchange(cluster.http().put()
                .uri(UriComponentsBuilder.fromUri(KeyClient.uri(url, "q")).queryParam("w", 2).build(true).toUri())
                .contentType(MediaType.TEXT_PLAIN).body(value));
        assertThat(twoCopies.getStatusCode().is2xxSuccessful()).isTrue();

        assertThat(client.get(url, "q", 3).getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(client.get(url, "q", 2).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(client.get(url, "q").getStatusCode()).as("the default quorum, a majority of what the ring can hold")
                .isEqualTo(HttpStatus.OK);
    }
}
