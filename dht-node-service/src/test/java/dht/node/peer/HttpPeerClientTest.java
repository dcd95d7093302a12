package dht.node.peer;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dht.core.Key;
import dht.core.KeyRange;
import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.DhtHeaders;
import dht.core.wire.Entry;
import dht.core.wire.EntryCodec;
import dht.core.wire.JoinRequest;
import dht.core.wire.ListedKey;
import dht.core.wire.RangeKeys;
import dht.core.wire.RangeKeysRequest;
import dht.core.wire.StoreCursor;
import dht.core.wire.TransferPage;
import dht.core.wire.TransferRequest;
import dht.node.config.NodeProperties;
import dht.node.security.SecurityProperties;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.ssl.DefaultSslBundleRegistry;
import org.springframework.http.HttpHeaders;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.binaryEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The one HTTP peer client against a WireMock neighbor that answers, fails, is slow or is gone,
 * with timeouts, retry and circuit breaker configured as {@code node.yml} configures them.
 */
class HttpPeerClientTest {

    // generous, so that a loaded machine's slow answer is not taken for a peer that does not answer
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final Instant DEADLINE = Instant.now().plusSeconds(600);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Not a speed threshold: only that a call to a misbehaving peer cannot hang. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(5);

    @RegisterExtension
    static WireMockExtension neighbor = WireMockExtension.newInstance()
            .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().gzipDisabled(true))
            .build();

    private final NodeProperties properties = new Binder(new MapConfigurationPropertySource(Map.of(
            "dht.max-value-bytes", "64KB",
            "dht.request-timeout", REQUEST_TIMEOUT.toMillis() + "ms",
            "dht.connect-timeout", CONNECT_TIMEOUT.toMillis() + "ms",
            "dht.storage.type", "memory")))
            .bindOrCreate("dht", NodeProperties.class);
    private final SecurityProperties security = new Binder(new MapConfigurationPropertySource(Map.of()))
            .bindOrCreate("dht.security", SecurityProperties.class);

    private CircuitBreakerRegistry circuitBreakers;
    private HttpPeerClient client;
    private NodeRef peer;

    @BeforeEach
    void newClient() {
        PeerClientConfig config = new PeerClientConfig();
        RestClient rest = config.peerRestClient(RestClient.builder(),
                config.peerRequestFactory(properties, security, new DefaultSslBundleRegistry()));
        circuitBreakers = CircuitBreakerRegistry.of(Map.of("peer", peerCircuitBreaker()));
        client = new HttpPeerClient(rest, rest, circuitBreakers, RetryRegistry.of(Map.of("peer", peerRetry())), properties, security);
        peer = NodeRef.at("127.0.0.1:" + neighbor.getPort());
    }

    /** {@code resilience4j.circuitbreaker.configs.peer} of node.yml. */
    private static CircuitBreakerConfig peerCircuitBreaker() {
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(2))
                .permittedNumberOfCallsInHalfOpenState(3)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordExceptions(ResourceAccessException.class, HttpServerErrorException.class)
                .build();
    }

    /** {@code resilience4j.retry.configs.peer} of node.yml. */
    private static RetryConfig peerRetry() {
        return RetryConfig.custom()
                .maxAttempts(3)
                .waitDuration(Duration.ofMillis(100))
                .retryOnException(new ConnectionFailure())
                .build();
    }

    // a neighbor that answers

    @Test
    void forwardReadsTheNeighborsValueVersionAndKeyHeaders() {
        neighbor.stubFor(get(urlEqualTo("/keys/user:42")).willReturn(aResponse()
                .withStatus(200)
                .withHeader(HttpHeaders.CONTENT_TYPE, "text/plain;charset=UTF-8")
                .withHeader(HttpHeaders.ETAG, "\"0000000000000001-00c3f22a00000000\"")
                .withHeader(DhtHeaders.OWNER, "00c3f22a00000000")
                .withHeader(DhtHeaders.HOPS, "2")
                .withHeader("X-Unrelated", "not relayed")
                .withBody("hello")));

        KeyOutcome outcome = client.forward(peer, KeyRequest.read(Key.of("user:42"), 1, DEADLINE, KeyOptions.NONE));

        assertThat(outcome).isInstanceOfSatisfying(KeyOutcome.Found.class, found -> {
            assertThat(found.entry().value()).asString(StandardCharsets.UTF_8).isEqualTo("hello");
            assertThat(found.entry().contentType()).isEqualTo("text/plain;charset=UTF-8");
            assertThat(found.entry().version()).isEqualTo(Version.parse("0000000000000001-00c3f22a00000000"));
            assertThat(found.owner()).isEqualTo(RingPosition.parse("00c3f22a00000000"));
            assertThat(found.hops()).isEqualTo(2);
        });
    }

    @Test
    void listKeysSendsTheRangeCursorPrefixAndLimitAndReadsTheKeysAndHowFarTheReplicaLooked() {
        neighbor.stubFor(post(urlEqualTo("/internal/ranges/keys")).willReturn(aResponse().withStatus(200)
                .withHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .withBody("{\"keys\": [{\"key\": \"user:7\", \"version\": \"0000000000000001-00c3f22a00000000\", \"tombstone\": true}],"
                        + " \"through\": {\"position\": \"00c3f22a00000001\", \"key\": \"user:8\"}, \"examined\": 2, \"exhausted\": false}")));
        KeyRange range = KeyRange.of(RingPosition.parse("00c3f22a00000000"), RingPosition.parse("f000000000000000"));

        RangeKeys answer = client.listKeys(peer, new RangeKeysRequest(range, StoreCursor.of("user:1"), "user:", 50));

        assertThat(answer.keys()).containsExactly(new ListedKey("user:7", Version.parse("0000000000000001-00c3f22a00000000"), true));
        assertThat(answer.through()).isEqualTo(new StoreCursor(RingPosition.parse("00c3f22a00000001"), "user:8"));
        assertThat(answer.examined()).isEqualTo(2);
        assertThat(answer.exhausted()).isFalse();
        neighbor.verify(postRequestedFor(urlEqualTo("/internal/ranges/keys"))
                .withRequestBody(matchingJsonPath("$.range.start", equalTo("00c3f22a00000000")))
                .withRequestBody(matchingJsonPath("$.after.key", equalTo("user:1")))
                .withRequestBody(matchingJsonPath("$.prefix", equalTo("user:")))
                .withRequestBody(matchingJsonPath("$.limit", equalTo("50"))));
    }

    @Test
    void forwardSendsTheHopCountTheTimeLeftAndTheKeyPercentEncodedAsOnePathSegment() {
        neighbor.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(204)));

        client.forward(peer, KeyRequest.delete(Key.of("a/b c%ü"), 3, DEADLINE, KeyOptions.NONE));

        neighbor.verify(anyRequestedFor(urlEqualTo("/keys/a%2Fb%20c%25%C3%BC"))
                .withHeader(DhtHeaders.HOPS, equalTo("3"))
                .withHeader(DhtHeaders.TIME_LEFT, matching("[1-9][0-9]{5}")));
    }

    @Test
    void forwardSendsAWritesBodyWithItsContentType() {
        byte[] value = {0, 1, 2, (byte) 0xff};
        neighbor.stubFor(put(urlEqualTo("/keys/k")).willReturn(aResponse().withStatus(201)
                .withHeader(HttpHeaders.ETAG, "\"0000000000000001-00c3f22a00000000\"")));

        KeyOutcome outcome = client.forward(peer, KeyRequest.write(Key.of("k"), 0, DEADLINE, value, "image/png", KeyOptions.NONE));

        assertThat(outcome).isInstanceOfSatisfying(KeyOutcome.Stored.class, stored -> assertThat(stored.created()).isTrue());
        neighbor.verify(putRequestedFor(urlEqualTo("/keys/k"))
                .withHeader(HttpHeaders.CONTENT_TYPE, equalTo("image/png"))
                .withHeader(DhtHeaders.HOPS, equalTo("0"))
                .withRequestBody(binaryEqualTo(value)));
    }

    @Test
    void forwardCarriesTheClientsQuorumsAndCondition() {
        neighbor.stubFor(put(urlPathEqualTo("/keys/k")).willReturn(aResponse().withStatus(200)
                .withHeader(HttpHeaders.ETAG, "\"0000000000000001-00c3f22a00000000\"")));
        KeyOptions options = new KeyOptions(3, 1, "\"0000000000000001-00000000000000aa\"", null);

        client.forward(peer, KeyRequest.write(Key.of("k"), 1, DEADLINE, new byte[]{1}, "text/plain", options));

        neighbor.verify(putRequestedFor(urlEqualTo("/keys/k?w=3&r=1"))
                .withHeader(HttpHeaders.IF_MATCH, equalTo("\"0000000000000001-00000000000000aa\""))
                .withoutHeader(HttpHeaders.IF_NONE_MATCH));
    }

    @Test
    void forwardCarriesAWritesTtlAndReadsAValuesExpiryBack() {
        neighbor.stubFor(put(urlPathEqualTo("/keys/k")).willReturn(aResponse().withStatus(201)
                .withHeader(HttpHeaders.ETAG, "\"0000000000000001-00c3f22a00000000\"")));
        neighbor.stubFor(get(urlEqualTo("/keys/k")).willReturn(aResponse().withStatus(200)
                .withHeader(HttpHeaders.ETAG, "\"0000000000000001-00c3f22a00000000\"")
                .withHeader(DhtHeaders.EXPIRES, "2026-12-05T04:00:00.125Z")
                .withBody(new byte[]{1})));

        client.forward(peer, KeyRequest.write(Key.of("k"), 0, DEADLINE, new byte[]{1}, "text/plain", KeyOptions.NONE.withTtl(30L)));
        KeyOutcome read = client.forward(peer, KeyRequest.read(Key.of("k"), 0, DEADLINE, KeyOptions.NONE));

        neighbor.verify(putRequestedFor(urlEqualTo("/keys/k?ttl=30")));
        assertThat(read).isInstanceOfSatisfying(KeyOutcome.Found.class,
                found -> assertThat(found.entry().expires()).contains(Instant.parse("2026-12-05T04:00:00.125Z")));
    }

    // a neighbor that answers 5xx

    @Test
    void forwardReadsAKeyProblemBackIntoTheFailureWithoutCountingItAgainstThePeer() {
        neighbor.stubFor(get(urlEqualTo("/keys/k")).willReturn(aResponse()
                .withStatus(503)
                .withHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .withHeader(HttpHeaders.RETRY_AFTER, "1")
                .withHeader(DhtHeaders.HOPS, "2")
                .withBody("{\"status\":503,\"title\":\"Node not in the ring\",\"detail\":\"This node is joining.\"}")));

        KeyFailure failure = catchThrowableOfType(KeyFailure.class, () -> client.forward(peer, KeyRequest.read(Key.of("k"), 1, DEADLINE, KeyOptions.NONE)));

        assertThat(failure.kind()).isEqualTo(KeyFailure.Kind.NOT_IN_RING);
        assertThat(failure.getMessage()).isEqualTo("This node is joining.");
        assertThat(failure.hops()).isEqualTo(2);
        neighbor.verify(1, getRequestedFor(urlEqualTo("/keys/k")));
        assertThat(circuitBreakers.circuitBreaker("peer-" + peer.address(), "peer").getMetrics().getNumberOfFailedCalls()).isZero();
    }

    @Test
    void forwardTurnsAnyOtherErrorOfTheNeighborIntoARefusal() {
        neighbor.stubFor(get(urlEqualTo("/keys/k")).willReturn(aResponse().withStatus(500).withBody("<html>oops</html>")));

        assertThat(catchThrowableOfType(PeerFailure.class, () -> client.forward(peer, KeyRequest.read(Key.of("k"), 0, DEADLINE, KeyOptions.NONE))))
                .isInstanceOfSatisfying(PeerFailure.Refused.class, refused -> assertThat(refused.reason()).isEqualTo(PeerFailure.Reason.FAILED));
    }

    @Test
    void anInternalCallAnsweredWithAServerErrorProblemIsAFailedRefusal() {
        neighbor.stubFor(post(urlEqualTo("/internal/join")).willReturn(aResponse()
                .withStatus(500)
                .withHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .withBody("{\"status\":500,\"title\":\"Internal error\",\"detail\":\"disk on fire\"}")));

        PeerFailure e = catchThrowableOfType(PeerFailure.class, () -> client.join(peer, joinRequest()));

        assertThat(e.isRefusal(PeerFailure.Reason.FAILED)).as(e.getMessage()).isTrue();
        assertThat(e.getMessage()).contains("disk on fire");
    }

    @Test
    void anInternalCallAnsweredWithAServerErrorPageIsAFailedRefusal() {
        neighbor.stubFor(post(urlEqualTo("/internal/join")).willReturn(aResponse()
                .withStatus(500)
                .withHeader(HttpHeaders.CONTENT_TYPE, "text/html")
                .withBody("<html><body>Internal Server Error</body></html>")));

        PeerFailure e = catchThrowableOfType(PeerFailure.class, () -> client.join(peer, joinRequest()));

        assertThat(e.isRefusal(PeerFailure.Reason.FAILED)).as(e.getMessage()).isTrue();
    }

    @Test
    void anInternalCallAnsweredWithAConflictIsRefusedAsAConflict() {
        neighbor.stubFor(post(urlEqualTo("/internal/join")).willReturn(aResponse()
                .withStatus(409)
                .withHeader(HttpHeaders.CONTENT_TYPE, "application/problem+json")
                .withBody("{\"status\":409,\"title\":\"Not your predecessor\",\"detail\":\"the ring moved on\"}")));

        PeerFailure e = catchThrowableOfType(PeerFailure.class, () -> client.join(peer, joinRequest()));

        assertThat(e.isRefusal(PeerFailure.Reason.CONFLICT)).as(e.getMessage()).isTrue();
        assertThat(e.getMessage()).contains("the ring moved on");
    }

    // a neighbor that is slow

    @Test
    void aNeighborSlowerThanTheRequestTimeoutTimesOutAsGatewayTimeout() {
        neighbor.stubFor(get(urlEqualTo("/keys/k")).willReturn(aResponse().withStatus(200).withFixedDelay((int) REQUEST_TIMEOUT.multipliedBy(3).toMillis())));

        PeerFailure e = assertTimeoutPreemptively(HANG_GUARD,
                () -> catchThrowableOfType(PeerFailure.class, () -> client.forward(peer, KeyRequest.read(Key.of("k"), 0, DEADLINE, KeyOptions.NONE))));

        assertThat(e).isInstanceOf(PeerFailure.TimedOut.class);
    }

    @Test
    void aTimedOutCallIsNotSentAgain() {
        neighbor.stubFor(get(urlEqualTo("/keys/k")).willReturn(aResponse().withStatus(200).withFixedDelay((int) REQUEST_TIMEOUT.multipliedBy(3).toMillis())));

        assertTimeoutPreemptively(HANG_GUARD,
                () -> catchThrowableOfType(PeerFailure.class, () -> client.forward(peer, KeyRequest.read(Key.of("k"), 0, DEADLINE, KeyOptions.NONE))));

        neighbor.verify(1, getRequestedFor(urlEqualTo("/keys/k")));
    }

    // a neighbor that is down

    @Test
    void aNeighborNothingListensAtIsUnreachableAsBadGateway() throws IOException {
        NodeRef down = NodeRef.at("127.0.0.1:" + unusedPort());

        PeerFailure e = assertTimeoutPreemptively(HANG_GUARD,
                () -> catchThrowableOfType(PeerFailure.class, () -> client.forward(down, KeyRequest.read(Key.of("k"), 0, DEADLINE, KeyOptions.NONE))));

        assertThat(e).isInstanceOf(PeerFailure.Unreachable.class);
        assertThat(e.peer()).isEqualTo(down);
    }

    @Test
    void anIdempotentCallIsAttemptedAgainWhenTheConnectionCouldNotBeMade() throws IOException {
        NodeRef down = NodeRef.at("127.0.0.1:" + unusedPort());

        catchThrowableOfType(PeerFailure.class, () -> client.forward(down, KeyRequest.read(Key.of("k"), 0, DEADLINE, KeyOptions.NONE)));

        // the breaker sits inside the retry, so it sees every attempt
        assertThat(failedAttemptsAt(down)).isEqualTo(3);
    }

    @Test
    void aWriteIsAttemptedOnceEvenWhenTheConnectionCouldNotBeMade() throws IOException {
        NodeRef down = NodeRef.at("127.0.0.1:" + unusedPort());

        catchThrowableOfType(PeerFailure.class,
                () -> client.forward(down, KeyRequest.write(Key.of("k"), 0, DEADLINE, new byte[]{1}, "application/octet-stream", KeyOptions.NONE)));

        assertThat(failedAttemptsAt(down)).isEqualTo(1);
    }

    @Test
    void aConnectionResetAfterTheRequestWasSentIsUnreachable() {
        neighbor.stubFor(get(urlEqualTo("/keys/k")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        PeerFailure e = catchThrowableOfType(PeerFailure.class, () -> client.forward(peer, KeyRequest.read(Key.of("k"), 0, DEADLINE, KeyOptions.NONE)));

        assertThat(e).isInstanceOf(PeerFailure.Unreachable.class);
    }

    @Test
    void anIdempotentCallIsNotRetriedAfterAConnectionReset() {
        neighbor.stubFor(get(urlEqualTo("/keys/k")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        catchThrowableOfType(PeerFailure.class, () -> client.forward(peer, KeyRequest.read(Key.of("k"), 0, DEADLINE, KeyOptions.NONE)));

        // the request may have reached the peer, so it is no ConnectionFailure: one attempt of the
        // client's own (the JDK HttpClient underneath may still resend a GET once by itself)
        assertThat(failedAttemptsAt(peer)).isEqualTo(1);
    }

    @Test
    void aWriteIsSentOnceWhenTheConnectionIsReset() {
        neighbor.stubFor(put(urlEqualTo("/keys/k")).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        catchThrowableOfType(PeerFailure.class,
                () -> client.forward(peer, KeyRequest.write(Key.of("k"), 0, DEADLINE, new byte[]{1}, "application/octet-stream", KeyOptions.NONE)));

        neighbor.verify(1, putRequestedFor(urlEqualTo("/keys/k")));
    }

    // the circuit breaker

    @Test
    void afterRepeatedFailuresTheCircuitOpensAndCallsNoLongerReachTheNeighbor() {
        neighbor.stubFor(post(urlEqualTo("/internal/join")).willReturn(aResponse().withStatus(500)));
        int minimumNumberOfCalls = 10;
        for (int i = 0; i < minimumNumberOfCalls; i++) {
            catchThrowableOfType(PeerFailure.class, () -> client.join(peer, joinRequest()));
        }

        PeerFailure e = catchThrowableOfType(PeerFailure.class, () -> client.join(peer, joinRequest()));

        assertThat(e).isInstanceOf(PeerFailure.Paused.class);
        neighbor.verify(minimumNumberOfCalls, postRequestedFor(urlEqualTo("/internal/join")));
    }

    @Test
    void anOpenCircuitToOneNeighborLeavesCallsToAnotherAlone() throws IOException {
        NodeRef down = NodeRef.at("127.0.0.1:" + unusedPort());
        circuitBreakers.circuitBreaker("peer-" + down.address(), "peer").transitionToOpenState();
        neighbor.stubFor(get(urlEqualTo("/keys/k")).willReturn(aResponse().withStatus(200)
                .withHeader(HttpHeaders.ETAG, "\"0000000000000001-00c3f22a00000000\"").withBody("v")));

        assertThat(client.forward(peer, KeyRequest.read(Key.of("k"), 0, DEADLINE, KeyOptions.NONE))).isInstanceOf(KeyOutcome.Found.class);
        assertThat(catchThrowableOfType(PeerFailure.class, () -> client.forward(down, KeyRequest.read(Key.of("k"), 0, DEADLINE, KeyOptions.NONE))))
                .isInstanceOf(PeerFailure.Paused.class);
    }

    // the transfer calls

    @Test
    void pullDecodesABinaryBatchAndWhetherItWasTheLast() {
        Version version = new Version(7, RingPosition.parse("00c3f22a00000000"));
        List<Entry> entries = List.of(
                new Entry("a", new byte[]{0, (byte) 0xff, 10}, "application/octet-stream", version),
                new Entry("b/ü", "text".getBytes(StandardCharsets.UTF_8), "text/plain", version));
        neighbor.stubFor(post(urlEqualTo("/internal/transfer")).willReturn(aResponse()
                .withStatus(200)
                .withHeader(HttpHeaders.CONTENT_TYPE, EntryCodec.MEDIA_TYPE)
                .withHeader(DhtHeaders.TRANSFER_LAST, "true")
                .withBody(EntryCodec.toBytes(entries))));
        KeyRange range = KeyRange.of(RingPosition.parse("1000000000000000"), RingPosition.parse("2000000000000000"));

        TransferPage page = client.pull(peer, new TransferRequest(range, null, null, 100));

        assertThat(page.last()).isTrue();
        assertThat(page.entries()).usingRecursiveFieldByFieldElementComparator().containsExactlyElementsOf(entries);
        neighbor.verify(postRequestedFor(urlEqualTo("/internal/transfer"))
                .withHeader(HttpHeaders.ACCEPT, equalTo(EntryCodec.MEDIA_TYPE))
                .withRequestBody(matchingJsonPath("$.range.start", equalTo("1000000000000000")))
                .withRequestBody(matchingJsonPath("$.limit", equalTo("100"))));
    }

    @Test
    void pullReportsMoreToComeWithoutTheLastHeader() {
        neighbor.stubFor(post(urlEqualTo("/internal/transfer")).willReturn(aResponse()
                .withStatus(200)
                .withHeader(HttpHeaders.CONTENT_TYPE, EntryCodec.MEDIA_TYPE)
                .withBody(EntryCodec.toBytes(List.of()))));
        KeyRange range = KeyRange.of(RingPosition.parse("1000000000000000"), RingPosition.parse("2000000000000000"));

        TransferPage page = client.pull(peer, new TransferRequest(range, null, null, 100));

        assertThat(page.last()).isFalse();
        assertThat(page.entries()).isEmpty();
    }

    @Test
    void fetchAnswersNothingWhenTheNeighborHasNoSuchKey() {
        neighbor.stubFor(get(urlEqualTo("/internal/entries/k")).willReturn(aResponse().withStatus(404)));

        Optional<Entry> entry = client.fetch(peer, "k");

        assertThat(entry).isEmpty();
    }

    @Test
    void fetchDecodesTheEntryTheNeighborHolds() {
        Entry held = new Entry("a/b", new byte[]{1, 2, 3}, "application/octet-stream",
                new Version(9, RingPosition.parse("00c3f22a00000000")));
        neighbor.stubFor(get(urlEqualTo("/internal/entries/a%2Fb")).willReturn(aResponse()
                .withStatus(200)
                .withHeader(HttpHeaders.CONTENT_TYPE, EntryCodec.MEDIA_TYPE)
                .withBody(EntryCodec.toBytes(List.of(held)))));

        Optional<Entry> entry = client.fetch(peer, "a/b");

        assertThat(entry).get().usingRecursiveComparison().isEqualTo(held);
    }

    private long failedAttemptsAt(NodeRef node) {
        return circuitBreakers.circuitBreaker("peer-" + node.address(), "peer").getMetrics().getNumberOfFailedCalls();
    }

    private JoinRequest joinRequest() {
        return new JoinRequest(NodeRef.at("127.0.0.1:1"), peer);
    }

    /** A port nothing listens on: bound for a moment, then released. */
    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
