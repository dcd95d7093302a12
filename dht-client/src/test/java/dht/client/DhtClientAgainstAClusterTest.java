package dht.client;

import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.wire.KeyChange;
import dht.core.wire.KeyPage;
import dht.core.wire.StoreCursor;
import dht.testkit.TestCluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

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
    void manyKeysGoInBatchesToTheirOwnersAndEachAnswersItsOwn() {
        Ring ring = cluster.registryRing();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Map<String, byte[]> values = new LinkedHashMap<>();
        IntStream.range(0, 300).forEach(i -> values.put("batch:" + i, utf8("value " + i)));
        List<String> reads = new ArrayList<>(values.keySet());
        reads.add(150, "batch:never-written");

        try (DhtClient batching = DhtClient.builder().registry(URI.create(cluster.registryUrl())).meterRegistry(meters).build()) {
            Map<String, Versioned> written = batching.putAll(values, TEXT);
            Map<String, Optional<Value>> read = batching.getAll(reads);

            assertThat(written.keySet()).containsExactlyElementsOf(values.keySet());
            assertThat(written.values()).allSatisfy(versioned -> assertThat(versioned.created()).isTrue());
            assertThat(written).allSatisfy((key, versioned) ->
                    assertThat(versioned.servedBy().owner()).isEqualTo(ring.ownerOfKey(key).id().toString()));
            assertThat(read.keySet()).containsExactlyElementsOf(reads);
            assertThat(read.get("batch:never-written")).isEmpty();
            values.forEach((key, value) -> assertThat(read.get(key)).hasValueSatisfying(found -> {
                assertThat(found.bytes()).isEqualTo(value);
                assertThat(found.contentType()).isEqualTo(TEXT);
                assertThat(found.version()).isEqualTo(written.get(key).version());
            }));
            assertThat(batching.deleteAll(List.of("batch:0", "batch:never-written"))).containsExactly(
                    Map.entry("batch:0", true), Map.entry("batch:never-written", false));
            assertThat(client.get("batch:0")).isEmpty();
            assertThat(meters.find("dht.client.requests").timers()).as("keys sent one by one").isEmpty();
        }
    }

    @Test
    void aWatchOnKeysSeesEveryPutAndDeleteUnderItsPrefixInOrder() {
        List<KeyChange> seen = new CopyOnWriteArrayList<>();
        List<String> followed = new CopyOnWriteArrayList<>();
        KeyChangeListener listener = new KeyChangeListener() {
            @Override
            public void changed(KeyChange change) {
                seen.add(change);
            }

            @Override
            public void connected(String address) {
                followed.add(address);
            }
        };
        try (KeysWatch watch = client.watchKeys("watched:", listener)) {
            // the watch connects on its own thread: a probe written until it shows says it is under way
            await("the watch under way").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                client.put("watched:probe", utf8("probe"), TEXT);
                return !seen.isEmpty();
            });
            seen.clear();

            Versioned first = client.put("watched:k", utf8("one"), TEXT);
            client.put("unwatched:k", utf8("one"), TEXT);
            Versioned second = client.put("watched:k", utf8("two"), TEXT);
            client.delete("watched:k");

            await("the changes").atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(seen)
                    .filteredOn(change -> change.key().equals("watched:k")).extracting(KeyChange::type)
                    .containsExactly(KeyChange.Type.PUT, KeyChange.Type.PUT, KeyChange.Type.DELETE));
            assertThat(seen).filteredOn(change -> change.key().equals("watched:k")).extracting(change -> change.version().toString())
                    .startsWith(first.version(), second.version());
            assertThat(seen).allSatisfy(change -> assertThat(change.key()).startsWith("watched:"));
            assertThat(followed).as("the nodes followed").isNotEmpty()
                    .allSatisfy(address -> assertThat(client.knownNodes()).extracting(NodeRef::address).contains(address));
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
    void aValueWrittenWithATtlReadsWithItsExpiryAndAWriteWithoutOneMakesItPermanent() {
        Instant before = Instant.now();
        client.put("session:1", utf8("token"), TEXT, WriteOptions.defaults().withTtl(Duration.ofHours(1)).withQuorum(Quorum.of(3)));

        Value expiring = client.get("session:1", Quorum.of(3)).orElseThrow();

        assertThat(expiring.expires()).get()
                .satisfies(at -> assertThat(at).isBetween(before.plusSeconds(3600).minusMillis(1), Instant.now().plusSeconds(3600)));
        client.putAsync("session:1", utf8("kept"), TEXT, WriteOptions.defaults()).join();
        assertThat(client.get("session:1").orElseThrow().expires()).isEmpty();
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
