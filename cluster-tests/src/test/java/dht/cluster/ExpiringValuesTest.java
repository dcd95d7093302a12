package dht.cluster;

import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.wire.DhtHeaders;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Values written with a time to live keep their expiry wherever their copies go: through the key
 * transfer of a join and through the failover after a crash, every node answers a lasting value
 * with the same {@code X-DHT-Expires}, and a brief one answers 404 through every node once it expired.
 */
class ExpiringValuesTest {

    private static final int LASTING_KEYS = 200;
    private static final int BRIEF_KEYS = 20;
    private static final long BRIEF_TTL_SECONDS = 3;

    @AutoClose
    private TestCluster cluster;

    @Test
    void anExpirySurvivesAJoinsTransferAndAFailoverAndAnExpiredValueIsGoneEverywhere() {
        cluster = TestCluster.builder().nodes(3).build();
        KeyClient client = new KeyClient(cluster.http());
        String entry = cluster.node(cluster.indexes().getFirst()).url();
        Map<String, String> expiresOf = new LinkedHashMap<>();
        for (int i = 0; i < LASTING_KEYS; i++) {
            String key = "lasting-" + i;
            Instant before = Instant.now();
            assertThat(client.exchange(put(entry, key, 3600)).getStatusCode().value()).as("PUT %s", key).isEqualTo(201);
            String expires = client.get(entry, key).getHeaders().getFirst(DhtHeaders.EXPIRES);
            assertThat(Instant.parse(expires)).as("expiry of %s", key)
                    .isBetween(before.plusSeconds(3600).minusMillis(1), Instant.now().plusSeconds(3600));
            expiresOf.put(key, expires);
        }
        List<String> brief = new ArrayList<>();
        for (int i = 0; i < BRIEF_KEYS; i++) {
            String key = "brief-" + i;
            assertThat(client.exchange(put(entry, key, BRIEF_TTL_SECONDS)).getStatusCode().value()).as("PUT %s", key).isEqualTo(201);
            brief.add(key);
        }
        assertThat(client.put(entry, "permanent", bytes("stays"), MediaType.TEXT_PLAIN).getStatusCode().value()).isEqualTo(201);

        int joined = cluster.addNode();
        cluster.awaitRing();
        NodeRef joiner = cluster.node(joined).ref();
        Ring afterJoin = cluster.registryRing();
        List<String> movedToJoiner = expiresOf.keySet().stream().filter(key -> afterJoin.ownerOfKey(key).equals(joiner)).toList();
        assertThat(cluster.ringView(joined).ownedKeys()).as("keys moved to the new node")
                .isGreaterThanOrEqualTo(movedToJoiner.size());
        for (String key : movedToJoiner) {
            // one copy: the joiner's own, which came with the transfer
            ResponseEntity<byte[]> own = client.get(cluster.node(joined).url(), key, 1);
            assertThat(own.getStatusCode().value()).as("GET %s?r=1 from the joiner", key).isEqualTo(200);
            assertThat(own.getHeaders().getFirst(DhtHeaders.EXPIRES)).as("expiry of %s at the joiner", key).isEqualTo(expiresOf.get(key));
        }
        assertEveryExpiryServedByEveryNode(client, expiresOf);

        int victim = mostKeysOwnedBy(afterJoin, expiresOf, joined);
        cluster.kill(victim);
        cluster.awaitRing(Duration.ofSeconds(30));
        assertEveryExpiryServedByEveryNode(client, expiresOf);

        await("every brief value gone from every node").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            for (int index : cluster.indexes()) {
                String url = cluster.node(index).url();
                for (String key : brief) {
                    assertThat(client.get(url, key).getStatusCode().value()).as("GET %s from %s", key, url).isEqualTo(404);
                    assertThat(client.get(url, key, 1).getStatusCode().value()).as("GET %s?r=1 from %s", key, url).isEqualTo(404);
                }
            }
        });
        for (int index : cluster.indexes()) {
            ResponseEntity<byte[]> permanent = client.get(cluster.node(index).url(), "permanent");
            assertThat(permanent.getStatusCode().value()).isEqualTo(200);
            assertThat(permanent.getHeaders().containsHeader(DhtHeaders.EXPIRES)).isFalse();
        }
    }

    private RestClient.RequestHeadersSpec<?> put(String nodeUrl, String key, long ttlSeconds) {
        return cluster.http().put()
                .uri(UriComponentsBuilder.fromUri(KeyClient.uri(nodeUrl, key)).queryParam("ttl", ttlSeconds).build(true).toUri())
                .contentType(MediaType.TEXT_PLAIN)
                .body(bytes("value of " + key));
    }

    /** Of the nodes other than {@code spared}, the one that owns the most of the keys: its crash fails over the most. */
    private int mostKeysOwnedBy(Ring ring, Map<String, String> keys, int spared) {
        return cluster.indexes().stream().filter(index -> index != spared)
                .max(Comparator.comparingLong(index -> keys.keySet().stream()
                        .filter(key -> ring.ownerOfKey(key).equals(cluster.node(index).ref())).count()))
                .orElseThrow();
    }

    private void assertEveryExpiryServedByEveryNode(KeyClient client, Map<String, String> expiresOf) {
        for (int index : cluster.indexes()) {
            String url = cluster.node(index).url();
            expiresOf.forEach((key, expires) -> {
                ResponseEntity<byte[]> read = client.get(url, key);
                assertThat(read.getStatusCode().value()).as("GET %s from %s", key, url).isEqualTo(200);
                assertThat(read.getHeaders().getFirst(DhtHeaders.EXPIRES)).as("expiry of %s from %s", key, url).isEqualTo(expires);
            });
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
