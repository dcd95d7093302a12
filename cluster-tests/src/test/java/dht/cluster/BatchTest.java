package dht.cluster;

import dht.core.wire.KeyBatch;
import dht.core.wire.KeyBatchResults;
import dht.core.wire.KeyBatchResults.KeyResult;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code POST /keys/batch} on a ring of three with API keys: each key of a batch is served as its
 * own request would be, wherever the batch comes in, and answered with its own status; what a
 * batch wrote every node reads back with a plain {@code GET}; a read-only key reads through a batch
 * but cannot write through one.
 */
class BatchTest {

    private static final String READ_WRITE = "batch-test-read-write-key-0123456789";
    private static final String READ_ONLY = "batch-test-read-only-key-0123456789";
    private static final int MAX_VALUE_BYTES = 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static TestCluster cluster;
    private static KeyClient keys;

    @BeforeAll
    static void aRingOfThreeWithApiKeys() {
        cluster = TestCluster.builder().nodes(3)
                .nodeProperty("dht.security.api-keys.read-write=" + READ_WRITE)
                .nodeProperty("dht.security.api-keys.read-only=" + READ_ONLY)
                .nodeProperty("dht.max-value-bytes=" + MAX_VALUE_BYTES + "B")
                .build();
        keys = new KeyClient(cluster.http());
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aBatchWithGoodAndBadKeysAnswersEachWithItsOwnStatusAndEveryNodeReadsWhatItWrote() {
        List<String> good = IntStream.range(0, 12).mapToObj(i -> "batch:good-" + i).toList();
        String tooLong = "k".repeat(1025);
        List<KeyBatch.KeyPut> puts = new ArrayList<>(good.stream()
                .map(key -> new KeyBatch.KeyPut(key, base64("value of " + key), "text/plain;charset=utf-8")).toList());
        puts.add(2, new KeyBatch.KeyPut("", base64("v"), null));
        puts.add(5, new KeyBatch.KeyPut("batch:not-base64", "not base64!", null));
        puts.add(7, new KeyBatch.KeyPut(tooLong, base64("v"), null));
        puts.add(9, new KeyBatch.KeyPut("batch:too-large", Base64.getEncoder().encodeToString(new byte[MAX_VALUE_BYTES + 1]), null));

        List<KeyResult> written = results(batch(0, READ_WRITE, KeyBatch.ofPut(puts)));

        assertThat(written).extracting(KeyResult::key).containsExactlyElementsOf(puts.stream().map(KeyBatch.KeyPut::key).toList());
        assertThat(statusesOf(written)).containsExactlyEntriesOf(expected(puts, Map.of(
                "", 400, "batch:not-base64", 400, tooLong, 400, "batch:too-large", 413), 201));
        assertThat(written.get(9).title()).isEqualTo("Value too large");
        for (int index : cluster.indexes()) {
            String url = cluster.node(index).url();
            for (String key : good) {
                ResponseEntity<byte[]> read = keys.get(url, key);
                assertThat(read.getStatusCode()).as("GET %s through node %d", key, index).isEqualTo(HttpStatus.OK);
                assertThat(new String(read.getBody(), StandardCharsets.UTF_8)).isEqualTo("value of " + key);
                assertThat(read.getHeaders().getContentType()).isEqualTo(MediaType.parseMediaType("text/plain;charset=utf-8"));
            }
            assertThat(keys.get(url, "batch:not-base64").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
            assertThat(keys.get(url, "batch:too-large").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
        }
    }

    @Test
    void aReadBatchThroughAnyNodeAnswersValuesAndAbsentKeysEachWithItsOwnStatus() {
        List<KeyBatch.KeyPut> puts = List.of(new KeyBatch.KeyPut("batch:read-a", base64("a"), "text/plain"),
                new KeyBatch.KeyPut("batch:read-b", Base64.getEncoder().encodeToString(new byte[]{0, (byte) 0xff}), null));
        assertThat(statusesOf(results(batch(1, READ_WRITE, KeyBatch.ofPut(puts))))).containsOnly(
                Map.entry("batch:read-a", 201), Map.entry("batch:read-b", 201));

        for (int index : cluster.indexes()) {
            List<KeyResult> read = results(batch(index, READ_ONLY, KeyBatch.ofGet(List.of("batch:read-a", "batch:absent", "batch:read-b"))));

            assertThat(read).extracting(KeyResult::key, KeyResult::status, KeyResult::value, KeyResult::contentType).containsExactly(
                    tuple("batch:read-a", 200, base64("a"), "text/plain"),
                    tuple("batch:absent", 404, null, null),
                    tuple("batch:read-b", 200, puts.get(1).value(), MediaType.APPLICATION_OCTET_STREAM_VALUE));
            assertThat(read.get(0).version()).isNotNull();
            assertThat(read.get(0).owner()).isNotNull();
        }
    }

    @Test
    void aWriteBatchReplacesWhatIsThereAndADeleteBatchRemovesIt() {
        List<String> names = List.of("batch:again-a", "batch:again-b");
        KeyBatch put = KeyBatch.ofPut(names.stream().map(key -> new KeyBatch.KeyPut(key, base64("first"), null)).toList());
        assertThat(statusesOf(results(batch(0, READ_WRITE, put))).values()).containsOnly(201);
        assertThat(statusesOf(results(batch(2, READ_WRITE, put))).values()).containsOnly(200);

        List<KeyResult> deleted = results(batch(1, READ_WRITE, KeyBatch.ofDelete(List.of("batch:again-a", "batch:never-there", "batch:again-b"))));

        assertThat(deleted).extracting(KeyResult::status).containsExactly(204, 404, 204);
        for (int index : cluster.indexes()) {
            for (String key : names) {
                assertThat(keys.get(cluster.node(index).url(), key).getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
            }
        }
    }

    @Test
    void aReadOnlyKeyCannotWriteThroughABatchAndNothingIsWritten() {
        ResponseEntity<String> refused = batch(0, READ_ONLY, KeyBatch.ofPut(List.of(new KeyBatch.KeyPut("batch:read-only", base64("v"), null))));

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(refused.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(batch(0, READ_ONLY, KeyBatch.ofDelete(List.of("batch:read-only"))).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(keys.get(cluster.node(0).url(), "batch:read-only").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void whatIsNoBatchIsRefusedAsAWholeAndNothingIsWritten() {
        ResponseEntity<String> twoOperations = batch(0, READ_WRITE, new KeyBatch(List.of("batch:whole"),
                List.of(new KeyBatch.KeyPut("batch:whole", base64("v"), null)), null));

        assertThat(twoOperations.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(twoOperations.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(keys.get(cluster.node(0).url(), "batch:whole").getStatusCode()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    private static ResponseEntity<String> batch(int node, String apiKey, KeyBatch batch) {
        return cluster.http().post().uri(cluster.node(node).url() + "/keys/batch")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
                .contentType(MediaType.APPLICATION_JSON).body(batch)
                .exchange((request, response) -> ResponseEntity.status(response.getStatusCode()).headers(response.getHeaders())
                        .body(new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8)));
    }

    private static List<KeyResult> results(ResponseEntity<String> answer) {
        assertThat(answer.getStatusCode()).as(answer.getBody()).isEqualTo(HttpStatus.OK);
        return JSON.readValue(answer.getBody(), KeyBatchResults.class).results();
    }

    private static Map<String, Integer> statusesOf(List<KeyResult> results) {
        Map<String, Integer> statuses = new LinkedHashMap<>();
        results.forEach(result -> statuses.put(result.key(), result.status()));
        return statuses;
    }

    private static Map<String, Integer> expected(List<KeyBatch.KeyPut> puts, Map<String, Integer> failing, int otherwise) {
        Map<String, Integer> statuses = new LinkedHashMap<>();
        puts.forEach(put -> statuses.put(put.key(), failing.getOrDefault(put.key(), otherwise)));
        return statuses;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
