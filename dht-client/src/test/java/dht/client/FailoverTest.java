package dht.client;

import dht.client.FakeCluster.Answer;
import dht.client.FakeCluster.FakeNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/** Which node the client tries next, and when it must not, against fake nodes that answer on cue. */
class FailoverTest {

    private static final String KEY = "failover";
    private static final String VERSION = "0000000000000001-0000000000000002";

    private final FakeCluster cluster = new FakeCluster(3);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final DhtClient client = DhtClient.builder().registry(cluster.registryUrl())
            .retries(3, Duration.ofMillis(1)).minRingRefreshInterval(Duration.ZERO)
            .meterRegistry(meters).bearerToken("an-api-key").build();
    private final List<FakeNode> replicas = cluster.replicasOf(KEY);
    private final FakeNode owner = replicas.get(0);
    private final FakeNode second = replicas.get(1);
    private final FakeNode third = replicas.get(2);

    @AfterEach
    void stop() {
        client.close();
        cluster.close();
    }

    @Test
    void aRequestGoesToTheKeysOwnerWithTheCredentialAndTheQuorum() {
        owner.answers(request -> Answer.value("hello", VERSION, owner));

        Value value = client.get(KEY, Quorum.of(2)).orElseThrow();

        assertThat(value.asString()).isEqualTo("hello");
        assertThat(value.version()).isEqualTo(VERSION);
        assertThat(value.servedBy()).isEqualTo(new ServedBy(owner.ref().address(), owner.ref().id().toString(), 0));
        assertThat(owner.received()).singleElement().satisfies(request -> {
            assertThat(request.path()).isEqualTo("/keys/" + KEY + "?r=2");
            assertThat(request.header("Authorization")).isEqualTo("Bearer an-api-key");
        });
        assertThat(second.received()).isEmpty();
    }

    @Test
    void aWriteWithATtlAsksForItInWholeSecondsWithTheQuorum() {
        owner.answers(request -> new Answer(201, Map.of("ETag", "\"" + VERSION + "\""), "{}"));

        client.put(KEY, utf8("v"), "text/plain", WriteOptions.defaults().withQuorum(Quorum.of(2)).withTtl(Duration.ofMinutes(10)));

        assertThat(owner.received()).singleElement()
                .satisfies(request -> assertThat(request.path()).isEqualTo("/keys/" + KEY + "?w=2&ttl=600"));
    }

    @Test
    void aNodeThatIsNotInTheRingYetIsPassedOverForTheNextReplica() {
        owner.answers(request -> Answer.problem(503, "Node not in the ring", owner));
        second.answers(request -> Answer.value("from the second", VERSION, owner));

        assertThat(client.get(KEY).orElseThrow().asString()).isEqualTo("from the second");
        assertThat(meters.counter("dht.client.failovers", "operation", "get").count()).isEqualTo(1);
    }

    @Test
    void anOwnerThatRefusesConnectionsIsPassedOverForTheNextReplica() {
        owner.stop();
        second.answers(request -> Answer.value("from the second", VERSION, owner));

        assertThat(client.get(KEY).orElseThrow().asString()).isEqualTo("from the second");
    }

    @Test
    void theAnswerListenerIsToldOfTheAnswerEachCallEndedWithNotOfTheNodesPassedOver() {
        List<String> told = new CopyOnWriteArrayList<>();
        try (DhtClient listened = DhtClient.builder().registry(cluster.registryUrl())
                .answerListener((servedBy, status) -> told.add(servedBy.node() + " " + servedBy.hops() + " " + status)).build()) {
            owner.answers(request -> Answer.problem(503, "Node not in the ring", owner));
            second.answers(request -> request.method().equals("GET") ? Answer.value("from the second", VERSION, owner)
                    : new Answer(404, Map.of("X-DHT-Owner", owner.ref().id().toString()), ""));

            listened.get(KEY);
            listened.delete(KEY);

            assertThat(told).containsExactly(second.ref().address() + " 0 200", second.ref().address() + " -1 404");
        }
    }

    @Test
    void aConditionalWriteIsNotSentElsewhereOnceANodeMayHaveAppliedIt() {
        owner.answers(request -> Answer.problem(503, "Write not acknowledged", owner));
        second.answers(request -> new Answer(201, Map.of("ETag", "\"" + VERSION + "\""), "{}"));

        assertThatThrownBy(() -> client.putIfAbsent(KEY, utf8("v"), "text/plain"))
                .isInstanceOfSatisfying(UnavailableException.class, failed -> assertThat(failed.mayHaveBeenApplied()).isTrue());
        assertThat(owner.received()).singleElement().satisfies(request -> assertThat(request.header("If-None-Match")).isEqualTo("*"));
        assertThat(second.received()).isEmpty();
    }

    @Test
    void aConditionalWriteGoesOnWhenTheOwnerRefusedItUntouched() {
        owner.answers(request -> Answer.problem(503, "Ring changing", owner));
        second.answers(request -> new Answer(200, Map.of("ETag", "\"" + VERSION + "\""), "{}"));

        Versioned written = client.replace(KEY, utf8("v"), "text/plain", "0000000000000001-0000000000000001");

        assertThat(written.version()).isEqualTo(VERSION);
        assertThat(second.received()).singleElement()
                .satisfies(request -> assertThat(request.header("If-Match")).isEqualTo("\"0000000000000001-0000000000000001\""));
    }

    @Test
    void whenNoReplicaServesTheClientRereadsTheRingRetriesAndThenFails() {
        replicas.forEach(node -> node.answers(request -> Answer.problem(503, "Node not in the ring", owner)));

        assertThatThrownBy(() -> client.get(KEY)).isInstanceOfSatisfying(UnavailableException.class,
                failed -> assertThat(failed.mayHaveBeenApplied()).isFalse());
        assertThat(replicas).allSatisfy(node -> assertThat(node.received()).hasSize(3));
        assertThat(cluster.ringReads()).as("the first read and one after each round").isEqualTo(4);
        assertThat(meters.find("dht.client.requests").tag("outcome", "unavailable").timer().count()).isEqualTo(1);
    }

    @Test
    void aFailedConditionIsAConditionFailedExceptionWithTheCurrentVersion() {
        owner.answers(request -> new Answer(412, Map.of("Content-Type", "application/problem+json", "ETag", "\"" + VERSION + "\""),
                "{\"title\":\"Precondition failed\",\"detail\":\"The key's current version is " + VERSION + "\"}"));

        assertThatThrownBy(() -> client.putIfAbsent(KEY, utf8("v"), "text/plain"))
                .isInstanceOfSatisfying(ConditionFailedException.class, failed -> assertThat(failed.currentVersion()).contains(VERSION));
    }

    @Test
    void refusalsOfTheCredentialAndServerErrorsAreTheirOwnExceptions() {
        owner.answers(request -> Answer.problem(401, "Unauthorized", owner));
        assertThatThrownBy(() -> client.get(KEY)).isInstanceOf(AccessDeniedException.class).hasMessageContaining("401 Unauthorized");

        owner.answers(request -> Answer.problem(500, "Internal Server Error", owner));
        assertThatThrownBy(() -> client.get(KEY)).isInstanceOfSatisfying(UnexpectedAnswerException.class,
                failed -> assertThat(failed.status()).isEqualTo(500));
        assertThat(second.received()).isEmpty();
    }

    @Test
    void aNotFoundWithoutAnOwnerIsNoAnswerOfTheDht() {
        owner.answers(request -> new Answer(404, Map.of(), ""));

        assertThatThrownBy(() -> client.get(KEY)).isInstanceOf(UnexpectedAnswerException.class);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aBatchGoesToTheKeysOwnerAndAKeyItCouldNotServeInTimeIsReadOnItsOwn() {
        owner.answers(request -> request.method().equals("POST")
                ? new Answer(200, Map.of("Content-Type", "application/json"), "{\"results\":[{\"key\":\"" + KEY
                        + "\",\"status\":504,\"title\":\"Peer timed out\"}]}")
                : Answer.value("read on its own", VERSION, owner));

        assertThat(client.getAll(List.of(KEY), Quorum.of(2)).get(KEY)).hasValueSatisfying(value ->
                assertThat(value.asString()).isEqualTo("read on its own"));
        assertThat(owner.received()).extracting(FakeCluster.Received::method, FakeCluster.Received::path)
                .containsExactly(tuple("POST", "/keys/batch?r=2"),
                        tuple("GET", "/keys/" + KEY + "?r=2"));
        assertThat(owner.received().getFirst().header("Authorization")).isEqualTo("Bearer an-api-key");
        assertThat(meters.timer("dht.client.batches", "operation", "get", "outcome", "success").count()).isEqualTo(1);
    }

    @Test
    void aBatchWhoseNodeRefusesConnectionsIsSentKeyByKeyToTheOtherReplicas() {
        owner.stop();
        second.answers(request -> request.method().equals("PUT")
                ? new Answer(201, Map.of("ETag", "\"" + VERSION + "\"", "X-DHT-Owner", owner.ref().id().toString()), "")
                : Answer.problem(500, "Unexpected", owner));

        Map<String, Versioned> written = client.putAll(Map.of(KEY, "v".getBytes(StandardCharsets.UTF_8)), "text/plain");

        assertThat(written.get(KEY).created()).isTrue();
        assertThat(written.get(KEY).version()).isEqualTo(VERSION);
        assertThat(second.received()).extracting(FakeCluster.Received::method).containsExactly("PUT");
        assertThat(meters.timer("dht.client.batches", "operation", "put", "outcome", "unavailable").count()).isEqualTo(1);
    }

    @Test
    void aBatchTheNodeRefusesAsAWholeFailsTheCall() {
        owner.answers(request -> Answer.problem(403, "Forbidden", owner));

        assertThatThrownBy(() -> client.deleteAll(List.of(KEY))).isInstanceOf(AccessDeniedException.class);
        assertThat(second.received()).isEmpty();
    }
}
