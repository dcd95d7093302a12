package dht.node.keys;

import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.DhtHeaders;
import dht.core.wire.Entry;
import dht.node.config.NodeProperties;
import dht.node.keys.KeyBatchService.Item;
import dht.node.keys.KeyBatchService.Result;
import dht.node.peer.KeyFailure;
import dht.node.peer.KeyOptions;
import dht.node.peer.KeyOutcome;
import dht.node.peer.KeyRequest;
import dht.node.peer.PeerFailure;
import dht.node.security.KeyWriteAccess;
import dht.node.time.NodeScheduler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.web.ErrorResponseException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/**
 * {@code POST /keys/batch} in front of a mocked {@link KeyBatchService}: what is refused as a whole,
 * what each key is answered with, and what reaches the service.
 */
@WebMvcTest(controllers = KeyBatchController.class, properties = "dht.max-value-bytes=16B")
@Import(ForwardingHeaders.class)
class KeyBatchControllerTest {

    private static final RingPosition OWNER = RingPosition.parse("00c3f22a00000000");
    private static final Version VERSION = new Version(1, OWNER);
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    @TestConfiguration
    @EnableConfigurationProperties(NodeProperties.class)
    static class Properties {
    }

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    KeyBatchService batches;

    @MockitoBean
    KeyWriteAccess writeAccess;

    @MockitoBean
    NodeScheduler scheduler;

    @BeforeEach
    void aClock() {
        when(scheduler.now()).thenReturn(NOW);
    }

    /** The service answers each request with what {@code outcome} makes of it, each refused item with its refusal. */
    private void serving(Function<KeyRequest, Object> outcome) {
        when(batches.serve(any(), any(), any())).thenAnswer(invocation -> {
            List<Item> items = invocation.getArgument(1);
            return items.stream().map(item -> {
                if (item.refusal() != null) {
                    return Result.failed(item.key(), item.refusal());
                }
                Object answer = outcome.apply(item.request());
                return answer instanceof KeyOutcome done ? Result.answered(item.key(), done)
                        : Result.failed(item.key(), (RuntimeException) answer);
            }).toList();
        });
    }

    @Test
    void aGetBatchAnswersEachKeyWithItsOwnStatusInTheBatchsOrder() {
        serving(request -> request.key().value().equals("absent") ? KeyFailure.notFound(OWNER, 0)
                : new KeyOutcome.Found(new Entry(request.key().value(), bytes("v-" + request.key().value()), "text/plain", VERSION), OWNER, 0));

        assertThat(post("{\"get\":[\"a\",\"absent\",\"\",\"a/b\"]}"))
                .hasStatus(HttpStatus.OK)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .hasHeader(DhtHeaders.HOPS, "0")
                .bodyJson().isLenientlyEqualTo("""
                        {"results":[
                          {"key":"a","status":200,"value":"%s","contentType":"text/plain","version":"%s","owner":"%s"},
                          {"key":"absent","status":404,"title":"Key not found","detail":"No value is stored under this key."},
                          {"key":"","status":400,"title":"Invalid key"},
                          {"key":"a/b","status":200,"value":"%s"}]}"""
                        .formatted(base64("v-a"), VERSION, OWNER, base64("v-a/b")));
        verify(batches).serve(eq(HttpMethod.GET), any(), eq(NOW.plusSeconds(5)));
    }

    @Test
    void anAbsentKeysResultHasNoValue() {
        serving(request -> KeyFailure.notFound(OWNER, 0));

        assertThat(post("{\"get\":[\"absent\"]}")).hasStatus(HttpStatus.OK)
                .bodyJson().extractingPath("$.results[0]").asMap().doesNotContainKeys("value", "contentType", "version");
    }

    @Test
    void aPutBatchSendsTheDecodedValuesWithTheirTypesAndAnswersCreatedOrReplaced() {
        serving(request -> new KeyOutcome.Stored(request.key(), VERSION, request.key().value().equals("new"), OWNER, 0));

        assertThat(post("""
                {"put":[{"key":"new","value":"%s","contentType":"text/plain;charset=utf-8"},
                        {"key":"old","value":"%s"},
                        {"key":"any","value":"","contentType":"*/*"}]}""".formatted(base64("hello"), base64("bytes"))))
                .hasStatus(HttpStatus.OK)
                .bodyJson().isLenientlyEqualTo("""
                        {"results":[{"key":"new","status":201,"version":"%1$s"},{"key":"old","status":200,"version":"%1$s"},
                                    {"key":"any","status":200}]}""".formatted(VERSION));
        Map<String, KeyRequest> sent = sentRequests(HttpMethod.PUT);
        assertThat(sent.get("new").body()).isEqualTo(bytes("hello"));
        assertThat(sent.get("new").contentType()).isEqualTo("text/plain;charset=utf-8");
        assertThat(sent.get("old").body()).isEqualTo(bytes("bytes"));
        assertThat(sent.get("old").contentType()).isEqualTo(MediaType.APPLICATION_OCTET_STREAM_VALUE);
        assertThat(sent.get("any").body()).isEmpty();
        assertThat(sent.get("any").contentType()).isEqualTo(MediaType.APPLICATION_OCTET_STREAM_VALUE);
        verify(writeAccess).require(any());
    }

    @Test
    void aBadKeyValueOrContentTypeIsThatKeysOwnProblemAndTheOthersProceed() {
        serving(request -> new KeyOutcome.Stored(request.key(), VERSION, true, OWNER, 0));
        String tooLong = "é".repeat(512) + "a";

        assertThat(post("""
                {"put":[{"key":"good","value":"%s"},
                        {"key":"%s","value":"%s"},
                        {"key":"not-base64","value":"***"},
                        {"key":"too-large","value":"%s"},
                        {"key":"bad-type","value":"%s","contentType":"no type"},
                        {"key":"largest","value":"%s"}]}"""
                .formatted(base64("v"), tooLong, base64("v"), Base64.getEncoder().encodeToString(new byte[17]), base64("v"),
                        Base64.getEncoder().encodeToString(new byte[16]))))
                .hasStatus(HttpStatus.OK)
                .bodyJson().isLenientlyEqualTo("""
                        {"results":[{"key":"good","status":201},
                                    {"status":400,"title":"Invalid key"},
                                    {"key":"not-base64","status":400,"title":"Invalid value"},
                                    {"key":"too-large","status":413,"title":"Value too large"},
                                    {"key":"bad-type","status":400,"title":"Invalid content type"},
                                    {"key":"largest","status":201}]}""");
        assertThat(sentRequests(HttpMethod.PUT)).containsOnlyKeys("good", "largest");
    }

    @Test
    void aKeysFailureInTheRingIsAnsweredAsItsOwnRequestWouldBe() {
        NodeRef peer = NodeRef.at("peer.example:7002");
        serving(request -> switch (request.key().value()) {
            case "slow" -> PeerFailure.timedOut(peer, Duration.ofSeconds(5), null);
            case "gone" -> PeerFailure.unreachable(peer, null);
            case "few" -> KeyFailure.noWriteQuorum(1, 2, OWNER, 0);
            default -> new KeyOutcome.Deleted(OWNER, 0);
        });

        assertThat(post("{\"delete\":[\"slow\",\"gone\",\"few\",\"done\"]}"))
                .hasStatus(HttpStatus.OK)
                .bodyJson().isLenientlyEqualTo("""
                        {"results":[{"key":"slow","status":504,"title":"Peer timed out"},
                                    {"key":"gone","status":502,"title":"Peer unreachable"},
                                    {"key":"few","status":503,"title":"Write not acknowledged","owner":"%s"},
                                    {"key":"done","status":204,"owner":"%s"}]}""".formatted(OWNER, OWNER));
        assertThat(post("{\"delete\":[\"slow\"]}")).bodyJson().extractingPath("$.results[0].requestId").isNotNull();
    }

    @Test
    void quorumsReachEveryKey() {
        serving(request -> new KeyOutcome.Deleted(OWNER, 0));

        assertThat(post("/keys/batch?w=3&r=1", "{\"delete\":[\"a\",\"b\"]}")).hasStatus(HttpStatus.OK);

        assertThat(sentRequests(HttpMethod.DELETE).values()).extracting(KeyRequest::options)
                .containsOnly(new KeyOptions(3, 1, null, null));
    }

    @Test
    void whatIsNoBatchIsABadRequestProblemAndNothingIsServed() {
        String thousandAndOne = IntStream.range(0, 1001).mapToObj(i -> "\"k" + i + "\"").collect(Collectors.joining(",", "[", "]"));
        for (String body : new String[]{
                "{\"get\":[\"a\"],\"put\":[{\"key\":\"b\",\"value\":\"\"}]}",
                "{}",
                "{\"get\":[]}",
                "{\"get\":" + thousandAndOne + "}",
                "{\"get\":[\"a\"",
                "[\"a\"]",
                "",
                "{\"get\":[\"a\"],\"ttl\":3}",
                "{\"get\":[null]}",
                "{\"get\":[1]}",
                "{\"get\":\"a\"}",
                "{\"get\":[\"a\"],\"get\":[\"b\"]}",
                "{\"put\":[{\"key\":\"a\"}]}",
                "{\"put\":[{\"value\":\"\"}]}",
                "{\"put\":[{\"key\":\"a\",\"value\":\"\"},{\"key\":\"a\",\"value\":\"\"}]}",
                "{\"delete\":[\"a\",\"a\"]}"}) {
            MvcTestResult answer = post(body).exchange();
            assertThat(answer.getResponse().getStatus()).as(body).isEqualTo(HttpStatus.BAD_REQUEST.value());
            assertThat(answer)
                    .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .bodyJson().extractingPath("$.title").isEqualTo("Invalid batch");
        }
        verifyNoInteractions(batches);
    }

    @Test
    void aThousandKeysMakeABatch() {
        serving(request -> KeyFailure.notFound(OWNER, 0));
        String thousand = IntStream.range(0, 1000).mapToObj(i -> "\"k" + i + "\"").collect(Collectors.joining(",", "[", "]"));

        assertThat(post("{\"get\":" + thousand + "}")).hasStatus(HttpStatus.OK)
                .bodyJson().extractingPath("$.results.length()").isEqualTo(1000);
    }

    @Test
    void aQuorumOutsideOneToTheReplicationFactorIsABadRequestProblem() {
        assertThat(post("/keys/batch?r=4", "{\"get\":[\"a\"]}")).hasStatus(HttpStatus.BAD_REQUEST)
                .bodyJson().extractingPath("$.title").isEqualTo("Invalid quorum");
        assertThat(post("/keys/batch?w=0", "{\"delete\":[\"a\"]}")).hasStatus(HttpStatus.BAD_REQUEST);
        verifyNoInteractions(batches);
    }

    @Test
    void aBatchOverFourMebibytesIsTooLargeAndNothingIsServed() {
        String big = "{\"get\":[\"" + "x".repeat(4 * 1024 * 1024) + "\"]}";

        assertThat(post(big)).hasStatus(HttpStatus.CONTENT_TOO_LARGE)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson().extractingPath("$.title").isEqualTo("Batch too large");
        verifyNoInteractions(batches);
    }

    @Test
    void aBodyOtherThanJsonIsUnsupported() {
        assertThat(mvc.post().uri("/keys/batch").contentType(MediaType.TEXT_PLAIN).content("{\"get\":[\"a\"]}"))
                .hasStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        verifyNoInteractions(batches);
    }

    @Test
    void aWriteBatchOfACallerWhoMayNotWriteIsForbiddenAndNothingIsServed() {
        ProblemDetail forbidden = ProblemDetail.forStatus(HttpStatus.FORBIDDEN);
        forbidden.setTitle("Forbidden");
        doThrow(new ErrorResponseException(HttpStatus.FORBIDDEN, forbidden, null)).when(writeAccess).require(any());
        serving(request -> KeyFailure.notFound(OWNER, 0));

        assertThat(post("{\"put\":[{\"key\":\"a\",\"value\":\"\"}]}")).hasStatus(HttpStatus.FORBIDDEN)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(post("{\"delete\":[\"a\"]}")).hasStatus(HttpStatus.FORBIDDEN);
        assertThat(post("{\"get\":[\"a\"]}")).hasStatus(HttpStatus.OK);
        verify(batches).serve(eq(HttpMethod.GET), any(), any());
        verify(batches, never()).serve(eq(HttpMethod.PUT), any(), any());
        verify(batches, never()).serve(eq(HttpMethod.DELETE), any(), any());
    }

    private MockMvcTester.MockMvcRequestBuilder post(String body) {
        return post("/keys/batch", body);
    }

    private MockMvcTester.MockMvcRequestBuilder post(String uri, String body) {
        return mvc.post().uri(uri).contentType(MediaType.APPLICATION_JSON).content(body);
    }

    /** The requests the service was given, by key. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private Map<String, KeyRequest> sentRequests(HttpMethod method) {
        ArgumentCaptor<List> captor = ArgumentCaptor.forClass(List.class);
        verify(batches, atLeastOnce()).serve(eq(method), captor.capture(), any());
        return ((List<Item>) captor.getValue()).stream().filter(item -> item.request() != null)
                .collect(Collectors.toMap(Item::key, Item::request));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(bytes(text));
    }
}
