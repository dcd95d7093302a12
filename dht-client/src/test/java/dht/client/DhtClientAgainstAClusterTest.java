package dht.client;

import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.wire.KeyPage;
import dht.core.wire.StoreCursor;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client against a stable ring of five nodes (replication factor 3): every request goes straight to the key's owner. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DhtClientAgainstAClusterTest {

    private static final String TEXT = "text/plain";

    private TestCluster cluster;
    private DhtClient client;

    @BeforeAll
    void startCluster() {
        cluster = TestCluster.builder().nodes(5).build();
        client = DhtClient.builder().registry(URI.create(cluster.registryUrl())).build();
    }

    @AfterAll
    void stopCluster() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyRequestOfAStableRingIsServedByTheKeysOwnerWithoutAForward() {
        Ring ring = cluster.registryRing();
        List<String> keys = IntStream.range(0, 200).mapToObj(i -> "user:" + i).toList();

        for (String key : keys) {
            Versioned written = client.put(key, utf8("value of " + key), TEXT);
            assertServedByOwner(written.servedBy(), ring.ownerOfKey(key));
            assertThat(written.created()).as("created %s", key).isTrue();
        }
        for (String key : keys) {
            Value value = client.get(key).orElseThrow();
            assertThat(value.asString()).isEqualTo("value of " + key);
            assertThat(value.contentType()).startsWith(TEXT);
            assertServedByOwner(value.servedBy(), ring.ownerOfKey(key));
        }
    }

    @Test
    void listingPagesThroughTheLiveKeysOfAPrefixOnceInRingOrder() {
        List<String> keys = IntStream.range(0, 30).mapToObj(i -> "listing:" + i).toList();
        keys.forEach(key -> client.put(key, utf8(key), TEXT));
        client.put("unlisted:1", utf8("elsewhere"), TEXT);
        client.delete("listing:0");
        List<String> live = keys.subList(1, keys.size());

        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            KeyPage page = client.list("listing:", 4, cursor);
            assertThat(page.keys()).hasSizeLessThanOrEqualTo(4);
            paged.addAll(page.keys());
            cursor = page.cursor();
        } while (cursor != null);

        assertThat(paged).containsExactlyInAnyOrderElementsOf(live)
                .isSortedAccordingTo((a, b) -> StoreCursor.STORE_ORDER.compare(StoreCursor.of(a), StoreCursor.of(b)));
        assertThat(client.keys("listing:").toList()).isEqualTo(paged);
        assertThatThrownBy(() -> client.list("", 0, null)).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> client.list("", 10, "not a cursor")).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void aReadAnswersTheLastWriteWithItsVersion() {
        client.put("greeting", utf8("hello"), TEXT);
        Versioned second = client.put("greeting", utf8("hello again"), TEXT);

        Value read = client.get("greeting").orElseThrow();

        assertThat(second.created()).isFalse();
        assertThat(read.asString()).isEqualTo("hello again");
        assertThat(read.version()).isEqualTo(second.version());
    }

    @Test
    void anAbsentKeyReadsAsEmpty() {
        assertThat(client.get("never-written")).isEmpty();
    }

    @Test
    void putIfAbsentWritesOnlyTheFirstValue() {
        Versioned first = client.putIfAbsent("lock:report", utf8("worker-1"), TEXT);

        assertThatThrownBy(() -> client.putIfAbsent("lock:report", utf8("worker-2"), TEXT))
                .isInstanceOfSatisfying(ConditionFailedException.class,
                        failed -> assertThat(failed.currentVersion()).contains(first.version()));
        assertThat(first.created()).isTrue();
        assertThat(client.get("lock:report").orElseThrow().asString()).isEqualTo("worker-1");
    }

    @Test
    void replaceWritesOnlyOverTheVersionItNames() {
        Versioned original = client.put("counter", utf8("1"), TEXT);
        Versioned replaced = client.replace("counter", utf8("2"), TEXT, original.version());

        assertThatThrownBy(() -> client.replace("counter", utf8("3"), TEXT, original.version()))
                .isInstanceOfSatisfying(ConditionFailedException.class,
                        failed -> assertThat(failed.currentVersion()).contains(replaced.version()));
        assertThat(client.get("counter").orElseThrow().asString()).isEqualTo("2");
    }

    @Test
    void replacingAnAbsentKeyFailsItsCondition() {
        assertThatThrownBy(() -> client.replace("absent-counter", utf8("1"), TEXT, "0000000000000001-0000000000000001"))
                .isInstanceOfSatisfying(ConditionFailedException.class, failed -> assertThat(failed.currentVersion()).isEmpty());
        assertThat(client.get("absent-counter")).isEmpty();
    }

    @Test
    void deleteTellsWhetherTheKeyHadAValue() {
        client.put("short-lived", utf8("x"), TEXT);

        assertThat(client.delete("short-lived")).isTrue();
        assertThat(client.get("short-lived")).isEmpty();
        assertThat(client.delete("short-lived")).isFalse();
    }

    @Test
    void keysWithSlashesSpacesAndReservedCharactersRoundTrip() {
        String key = "a/b c?d#e%2F*+ü";
        client.put(key, utf8("odd"), TEXT);

        assertThat(client.get(key).orElseThrow().asString()).isEqualTo("odd");
        assertThat(client.get("a")).isEmpty();
    }

    @Test
    void aValueIsStoredAsBytesWithItsContentType() {
        byte[] bytes = {0, (byte) 0xff, 0x7f, (byte) 0x80};
        client.put("blob", bytes, null);

        Value value = client.get("blob").orElseThrow();

        assertThat(value.bytes()).containsExactly(bytes);
        assertThat(value.contentType()).isEqualTo("application/octet-stream");
    }

    @Test
    void aQuorumPerCallIsSentToTheNode() {
        client.put("quorum", utf8("all three"), TEXT, Quorum.of(3));

        assertThat(client.get("quorum", Quorum.of(3)).orElseThrow().asString()).isEqualTo("all three");
        assertThatThrownBy(() -> client.get("quorum", Quorum.of(4))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("?r=4");
    }

    @Test
    void invalidKeysAndOversizedValuesAreRefusedAsInvalidRequests() {
        assertThatThrownBy(() -> client.get("")).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> client.get("k".repeat(1025))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> client.put("huge", new byte[1024 * 1024 + 1], null)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void theAsynchronousCallsAnswerAsTheBlockingOnes() {
        List<CompletableFuture<Versioned>> writes = IntStream.range(0, 20)
                .mapToObj(i -> client.putAsync("async:" + i, utf8("v" + i), TEXT)).toList();
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();

        List<Optional<Value>> reads = IntStream.range(0, 20).mapToObj(i -> client.getAsync("async:" + i))
                .map(CompletableFuture::join).toList();

        assertThat(reads).extracting(read -> read.orElseThrow().asString())
                .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> "v" + i).toList());
        assertThat(client.deleteAsync("async:0").join()).isTrue();
    }

    @Test
    void withoutTheRegistryTheClientLearnsTheWholeRingFromOneNode() {
        Ring ring = cluster.registryRing();
        URI oneNode = URI.create(cluster.node(cluster.indexes().getFirst()).url());
        try (DhtClient fromANode = DhtClient.builder().nodes(oneNode).build()) {
            assertThat(fromANode.knownNodes()).containsExactlyElementsOf(ring.nodes());

            for (int i = 0; i < 20; i++) {
                String key = "walked:" + i;
                assertServedByOwner(fromANode.put(key, utf8("w"), TEXT).servedBy(), ring.ownerOfKey(key));
                assertServedByOwner(fromANode.get(key).orElseThrow().servedBy(), ring.ownerOfKey(key));
            }
        }
    }

    private static void assertServedByOwner(ServedBy servedBy, NodeRef owner) {
        assertThat(servedBy.hops()).as("hops of %s", servedBy).isZero();
        assertThat(servedBy.owner()).as("owner of %s", servedBy).isEqualTo(owner.id().toString());
        assertThat(servedBy.node()).as("node of %s", servedBy).isEqualTo(owner.address());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
