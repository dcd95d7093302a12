package dht.cluster;

import dht.core.wire.Entry;
import dht.node.storage.KeyValueStore;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Versions on three nodes with three copies of each key: compare-and-set, concurrent writers, tombstones. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsistencyTest {

    @AutoClose
    private final TestCluster cluster = TestCluster.builder().nodes(3).build();
    private final KeyClient client = new KeyClient(cluster.http());

    @Test
    void compareAndSetAppliesAWriteOrDeleteOnlyWhileItsConditionHolds() {
        String key = "cas";
        ResponseEntity<byte[]> created = put(url(0), key, "one", HttpHeaders.IF_NONE_MATCH, "*");
        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        String first = created.getHeaders().getETag();

        ResponseEntity<byte[]> createdAgain = put(url(1), key, "two", HttpHeaders.IF_NONE_MATCH, "*");
        assertThat(createdAgain.getStatusCode()).isEqualTo(HttpStatus.PRECONDITION_FAILED);
        assertThat(createdAgain.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(createdAgain.getHeaders().getETag()).as("the current version").isEqualTo(first);

        ResponseEntity<byte[]> replaced = put(url(2), key, "three", HttpHeaders.IF_MATCH, first);
        assertThat(replaced.getStatusCode()).isEqualTo(HttpStatus.OK);
        String second = replaced.getHeaders().getETag();
        assertThat(second).isNotEqualTo(first);

        assertThat(put(url(0), key, "four", HttpHeaders.IF_MATCH, first).getStatusCode()).isEqualTo(HttpStatus.PRECONDITION_FAILED);
        assertThat(delete(url(1), key, first).getStatusCode()).isEqualTo(HttpStatus.PRECONDITION_FAILED);
        assertThat(body(client.get(url(2), key))).as("after refused writes").isEqualTo("three");

        assertThat(delete(url(1), key, second).getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);
        assertThat(client.get(url(0), key).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(put(url(2), key, "five", HttpHeaders.IF_MATCH, "*").getStatusCode())
                .as("If-Match: * needs a value").isEqualTo(HttpStatus.PRECONDITION_FAILED);
    }

    @Test
    void ofConcurrentCompareAndSetsOnTheSameVersionExactlyOneWins() throws InterruptedException {
        String key = "cas-race";
        String base = client.put(url(0), key, bytes("base"), MediaType.TEXT_PLAIN).getHeaders().getETag();

        int winner = race(i -> put(url(i % 3), key, "contender-" + i, HttpHeaders.IF_MATCH, base), HttpStatus.OK);

        assertThat(body(client.get(url(1), key))).isEqualTo("contender-" + winner);
    }

    @Test
    void ofConcurrentCreationsEnteringAtEveryNodeExactlyOneWins() throws InterruptedException {
        String key = "create-race";

        int winner = race(i -> put(url(i % 3), key, "creator-" + i, HttpHeaders.IF_NONE_MATCH, "*"), HttpStatus.CREATED);

        for (int i = 0; i < 3; i++) {
            assertThat(body(client.get(url(i), key, 3))).isEqualTo("creator-" + winner);
        }
    }

    /**
     * Eight conditional writes of one key at once, entering at every node in turn: exactly one is
     * answered {@code winning}, every other one 412. Answers the winner.
     */
    private int race(IntFunction<ResponseEntity<byte[]>> attempt, HttpStatus winning) throws InterruptedException {
        int contenders = 8;
        Set<Integer> winners = ConcurrentHashMap.newKeySet();
        Set<HttpStatus> losers = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = IntStream.range(0, contenders).mapToObj(i -> Thread.ofVirtual().start(() -> {
            awaitQuietly(start);
            ResponseEntity<byte[]> answer = attempt.apply(i);
            if (answer.getStatusCode() == winning) {
                winners.add(i);
            } else {
                losers.add(HttpStatus.valueOf(answer.getStatusCode().value()));
            }
        })).toList();
        start.countDown();
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(30));
        }
        assertThat(winners).hasSize(1);
        assertThat(losers).containsOnly(HttpStatus.PRECONDITION_FAILED);
        return winners.iterator().next();
    }

    @Test
    void concurrentWritersThroughEveryNodeLeaveEveryReplicaWithTheSameVersion() throws InterruptedException {
        String key = "contended";
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        List<Thread> writers = IntStream.range(0, 6).mapToObj(writer -> Thread.ofVirtual().start(() -> {
            for (int round = 0; round < 40; round++) {
                String value = writer + "-" + round;
                if (client.put(url(writer % 3), key, bytes(value), MediaType.TEXT_PLAIN).getStatusCode().is2xxSuccessful()) {
                    acknowledged.add(value);
                }
            }
        })).toList();
        for (Thread writer : writers) {
            writer.join(Duration.ofSeconds(60));
        }

        await("every node holds the same version").atMost(Duration.ofSeconds(30))
                .until(() -> storedEverywhere(key).stream().map(Entry::version).distinct().count() == 1);
        Entry converged = storedEverywhere(key).getFirst();
        ResponseEntity<byte[]> read = client.get(url(2), key, 3);
        assertThat(read.getHeaders().getETag()).isEqualTo("\"" + converged.version() + "\"");
        assertThat(acknowledged).contains(body(read));
    }

    @Test
    void aDeleteLeavesATombstoneOnEveryReplicaAndTheKeyStaysDeleted() {
        String key = "tombstone";
        assertThat(client.put(url(0), key, bytes("doomed"), MediaType.TEXT_PLAIN).getStatusCode()).isEqualTo(HttpStatus.CREATED);
        assertThat(client.delete(url(1), key).getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);

        await("a tombstone on every node").atMost(Duration.ofSeconds(30))
                .until(() -> storedEverywhere(key).stream().allMatch(Entry::tombstone) && storedEverywhere(key).size() == 3);
        for (int i = 0; i < 3; i++) {
            assertThat(client.get(url(i), key, 3).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        }
        assertThat(client.delete(url(2), key).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(client.put(url(2), key, bytes("back"), MediaType.TEXT_PLAIN).getStatusCode())
                .as("a deleted key written again is new").isEqualTo(HttpStatus.CREATED);
    }

    private List<Entry> storedEverywhere(String key) {
        return cluster.indexes().stream()
                .map(index -> cluster.node(index).context().getBean(KeyValueStore.class).get(key))
                .flatMap(Optional::stream)
                .toList();
    }

    private ResponseEntity<byte[]> put(String url, String key, String value, String header, String tags) {
        return client.exchange(cluster.http().put().uri(KeyClient.uri(url, key))
                .contentType(MediaType.TEXT_PLAIN).header(header, tags).body(bytes(value)));
    }

    private ResponseEntity<byte[]> delete(String url, String key, String ifMatch) {
        return client.exchange(cluster.http().delete().uri(KeyClient.uri(url, key)).header(HttpHeaders.IF_MATCH, ifMatch));
    }

    private String url(int nth) {
        return cluster.node(cluster.indexes().get(nth)).url();
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static String body(ResponseEntity<byte[]> response) {
        return new String(response.getBody(), StandardCharsets.UTF_8);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
