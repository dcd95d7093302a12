package dht.cluster;

import dht.core.RingPosition;
import dht.core.wire.Member;
import dht.core.wire.MemberState;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node stopped as SIGTERM stops it (in place, without leaving) is DOWN, not gone: the others serve
 * its keys meanwhile and keep the writes it misses as hints, and started again on its data dir it
 * takes its positions back, is handed its hints, and pulls only what changed while it was away.
 */
class RestartInPlaceTest {

    private static final Logger log = LoggerFactory.getLogger(RestartInPlaceTest.class);

    private static final int KEYS = 400;

    @AutoClose
    private TestCluster cluster;

    @Test
    void aNodeStoppedInPlaceIsDownWhileTheOthersServeItsKeysAndComesBackMovingOnlyWhatChanged() {
        cluster = TestCluster.builder().nodes(4).build();
        KeyClient client = new KeyClient(cluster.http());
        List<Integer> indexes = cluster.indexes();
        int stopped = indexes.get(2);
        String stoppedId = cluster.node(stopped).ref().id().toString();
        String entry = cluster.node(indexes.get(0)).url();
        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            String value = "before-" + i;
            assertThat(client.put(entry, "restart-" + i, bytes(value), MediaType.TEXT_PLAIN).getStatusCode().value()).isEqualTo(201);
            expected.put("restart-" + i, value);
        }
        cluster.awaitRing();
        long heldBefore = cluster.ringView(stopped).keys();

        cluster.stopInPlace(stopped);

        assertThat(state(stoppedId)).isEqualTo(MemberState.DOWN);
        // every key stays readable and writable through the others while it is DOWN
        int changed = 0;
        for (int i = 0; i < KEYS; i += 10) {
            String key = "restart-" + i;
            String node = cluster.node(indexes.get(i % 2 == 0 ? 0 : 1)).url();
            if (i % 20 == 0) {
                assertThat(client.delete(node, key).getStatusCode().value()).as("delete %s", key).isEqualTo(204);
                expected.remove(key);
            } else {
                assertThat(client.put(node, key, bytes("during-" + i), MediaType.TEXT_PLAIN).getStatusCode().value())
                        .as("overwrite %s", key).isEqualTo(200);
                expected.put(key, "during-" + i);
            }
            changed++;
        }
        for (Map.Entry<String, String> key : expected.entrySet()) {
            assertThat(client.get(entry, key.getKey()).getBody()).as(key.getKey()).isEqualTo(bytes(key.getValue()));
        }

        // the writes it missed wait for it as hints on the others
        List<Integer> others = indexes.stream().filter(index -> index != stopped).toList();
        long hinted = sum(others, "dht.hints.pending");
        assertThat(hinted).as("hints kept for the DOWN node").isPositive();

        cluster.restart(stopped);

        assertThat(state(stoppedId)).isEqualTo(MemberState.UP);
        await("every hint handed to the node back in place").atMost(Duration.ofSeconds(30))
                .until(() -> sum(cluster.indexes(), "dht.hints.pending") == 0);
        assertThat(sum(others, "dht.hints.delivered")).isGreaterThanOrEqualTo(hinted);
        long pulled = metric(stopped, "dht.keys.transferred?tag=direction:in");
        log.info("back in place: {} keys pulled of the {} it held, {} changed while it was DOWN", pulled, heldBefore, changed);
        assertThat(pulled).as("keys pulled back of the %d it held, %d changed", heldBefore, changed)
                .isLessThan(heldBefore / 4);
        String restarted = cluster.node(stopped).url();
        for (int i = 0; i < KEYS; i++) {
            String key = "restart-" + i;
            ResponseEntity<byte[]> read = client.get(restarted, key, 3);
            if (expected.containsKey(key)) {
                assertThat(read.getBody()).as(key).isEqualTo(bytes(expected.get(key)));
            } else {
                assertThat(read.getStatusCode().value()).as("deleted %s", key).isEqualTo(404);
            }
        }
    }

    @Test
    void aNodeDownLongerThanTheRemovalTimeoutIsRemovedAndEveryKeyIsOnThreeNodesAgain() {
        cluster = TestCluster.builder().nodes(4).registryProperty("dht.down-removal-timeout=2s").build();
        KeyClient client = new KeyClient(cluster.http());
        List<Integer> indexes = cluster.indexes();
        String entry = cluster.node(indexes.get(0)).url();
        for (int i = 0; i < KEYS; i++) {
            assertThat(client.put(entry, "removed-" + i, bytes("value-" + i), MediaType.TEXT_PLAIN).getStatusCode().value())
                    .isEqualTo(201);
        }
        int stopped = indexes.get(1);
        RingPosition stoppedId = cluster.node(stopped).ref().id();

        cluster.stopInPlace(stopped);
        cluster.awaitRemoved(stoppedId, Duration.ofSeconds(30));
        cluster.awaitRing();

        for (int index : cluster.indexes()) {
            for (int i = 0; i < KEYS; i += 7) {
                ResponseEntity<byte[]> read = client.get(cluster.node(index).url(), "removed-" + i, 3);
                assertThat(read.getStatusCode().value()).as("removed-%d read on three nodes", i).isEqualTo(200);
                assertThat(read.getBody()).isEqualTo(bytes("value-" + i));
            }
        }
    }

    @Test
    void aNodeAwayLongerThanTheTombstoneGraceBringsNoDeletedKeyBack() {
        cluster = TestCluster.builder().nodes(4).nodeProperty("dht.tombstone-grace=3s").build();
        KeyClient client = new KeyClient(cluster.http());
        List<Integer> indexes = cluster.indexes();
        String entry = cluster.node(indexes.get(0)).url();
        int keys = 100;
        for (int i = 0; i < keys; i++) {
            assertThat(client.put(entry, "grace-" + i, bytes("value-" + i), MediaType.TEXT_PLAIN).getStatusCode().value()).isEqualTo(201);
        }
        cluster.awaitRing();
        int stopped = indexes.get(2);
        cluster.stopInPlace(stopped);
        int deleted = 0;
        for (int i = 0; i < keys; i += 4) {
            assertThat(client.delete(entry, "grace-" + i).getStatusCode().value()).as("delete grace-%d", i).isEqualTo(204);
            deleted++;
        }
        List<Integer> others = indexes.stream().filter(index -> index != stopped).toList();
        // the others forget the deletes once the grace is over: the stopped node's old values are all that is left of them
        int deletes = deleted;
        await("the deletes' tombstones purged on the others").atMost(Duration.ofSeconds(60))
                .until(() -> sum(others, "dht.tombstones.purged") >= deletes);

        cluster.restart(stopped);
        cluster.awaitRing();

        for (int index : cluster.indexes()) {
            for (int i = 0; i < keys; i++) {
                ResponseEntity<byte[]> read = client.get(cluster.node(index).url(), "grace-" + i, 3);
                if (i % 4 == 0) {
                    assertThat(read.getStatusCode().value()).as("deleted grace-%d read on node %d", i, index).isEqualTo(404);
                } else {
                    assertThat(read.getBody()).as("grace-%d read on node %d", i, index).isEqualTo(bytes("value-" + i));
                }
            }
        }
    }

    /** The node's state as the registry lists it, once it is not joining. */
    private MemberState state(String id) {
        return await("the registry's state of " + id).atMost(Duration.ofSeconds(10))
                .until(() -> cluster.members().stream().filter(member -> member.id().toString().equals(id))
                        .map(Member::state).findFirst().orElse(null), state -> state != null && state != MemberState.JOINING);
    }

    private long sum(List<Integer> indexes, String meter) {
        return indexes.stream().mapToLong(index -> metric(index, meter)).sum();
    }

    private long metric(int index, String meter) {
        Map<?, ?> metric = cluster.http().get()
                .uri(cluster.node(index).url() + "/actuator/metrics/" + meter)
                .retrieve().body(Map.class);
        List<?> measurements = (List<?>) metric.get("measurements");
        return ((Number) ((Map<?, ?>) measurements.getFirst()).get("value")).longValue();
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
