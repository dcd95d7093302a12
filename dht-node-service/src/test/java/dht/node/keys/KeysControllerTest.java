package dht.node.keys;

import dht.core.Expiry;
import dht.core.Key;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.DhtHeaders;
import dht.core.wire.Entry;
import dht.node.config.NodeProperties;
import dht.node.peer.KeyFailure;
import dht.node.peer.KeyOptions;
import dht.node.peer.KeyOutcome;
import dht.node.peer.KeyRequest;
import dht.node.time.NodeScheduler;
import dht.web.ClusterSecurity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.web.util.UriComponentsBuilder;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/** The {@code /keys} endpoints in front of a mocked {@link KeyService}: what reaches it, and what is refused before. */
@WebMvcTest(controllers = KeysController.class, properties = "dht.max-value-bytes=16B")
@Import(ForwardingHeaders.class)
class KeysControllerTest {

    private static final int MAX_VALUE_BYTES = 16;
    private static final RingPosition OWNER = RingPosition.parse("00c3f22a00000000");
    private static final KeyOutcome CREATED = new KeyOutcome.Stored(Key.of("k"), new Version(1, OWNER), true, OWNER, 0);

    @TestConfiguration
    @EnableConfigurationProperties(NodeProperties.class)
    static class Properties {
    }

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    KeyService keys;

    @MockitoBean
    NodeScheduler scheduler;

    @BeforeEach
    void aClock() {
        when(scheduler.now()).thenReturn(Instant.now());
    }

    /** The request comes from a cluster member, as Spring Security (left out of this slice) would have found. */
    private static void asMember() {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated("node", null,
                AuthorityUtils.createAuthorityList("ROLE_" + ClusterSecurity.CLUSTER)));
    }

    @AfterEach
    void forgetTheCaller() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void anEmptyKeyIsABadRequestProblem() {
        assertThat(mvc.get().uri("/keys/"))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson().extractingPath("$.title").isEqualTo("Invalid key");
        verifyNoInteractions(keys);
    }

    @Test
    void aKeyOf1025BytesIsABadRequestProblem() {
        String key = "é".repeat(512) + "a";

        assertThat(mvc.put().uri(keyUri(key)).content(new byte[]{1}))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        verifyNoInteractions(keys);
    }

    @Test
    void aKeyOfExactly1024BytesReachesTheService() {
        String key = "é".repeat(512);
        doReturn(found("text/plain", "v")).when(keys).get(reading(key, 0, KeyOptions.NONE));

        assertThat(mvc.get().uri(keyUri(key))).hasStatus(HttpStatus.OK);
        verify(keys).get(reading(key, 0, KeyOptions.NONE));
    }

    @Test
    void aValueLargerThanTheLimitIsTooLargeAndNeverReachesTheService() {
        assertThat(mvc.put().uri("/keys/k").contentType(MediaType.APPLICATION_OCTET_STREAM).content(new byte[MAX_VALUE_BYTES + 1]))
                .hasStatus(HttpStatus.CONTENT_TOO_LARGE)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson().extractingPath("$.title").isEqualTo("Value too large");
        verifyNoInteractions(keys);
    }

    @Test
    void aValueOfExactlyTheLimitReachesTheService() {
        byte[] value = new byte[MAX_VALUE_BYTES];
        doReturn(CREATED).when(keys).put(any());

        assertThat(mvc.put().uri("/keys/k").contentType(MediaType.APPLICATION_OCTET_STREAM).content(value))
                .hasStatus(HttpStatus.CREATED);
        verify(keys).put(writing("k", value, MediaType.APPLICATION_OCTET_STREAM_VALUE, 0, KeyOptions.NONE));
    }

    @Test
    void aPutWithoutContentTypeIsStoredAsOctetStream() {
        byte[] value = "hello".getBytes(StandardCharsets.UTF_8);
        doReturn(CREATED).when(keys).put(any());

        assertThat(mvc.put().uri("/keys/k").content(value)).hasStatus(HttpStatus.CREATED);
        verify(keys).put(writing("k", value, MediaType.APPLICATION_OCTET_STREAM_VALUE, 0, KeyOptions.NONE));
    }

    @Test
    void aPutKeepsTheContentTypeItWasSentWith() {
        byte[] value = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        doReturn(CREATED).when(keys).put(any());

        assertThat(mvc.put().uri("/keys/k").contentType("application/json;charset=UTF-8").content(value))
                .hasStatus(HttpStatus.CREATED);
        verify(keys).put(writing("k", value, "application/json;charset=UTF-8", 0, KeyOptions.NONE));
    }

    @Test
    void anEncodedSlashInAKeyReachesTheServiceAsASlash() {
        doReturn(new KeyOutcome.Deleted(OWNER, 0)).when(keys).delete(deleting("a/b", 0, KeyOptions.NONE));

        assertThat(mvc.delete().uri(URI.create("/keys/a%2Fb"))).hasStatus(HttpStatus.NO_CONTENT);
        verify(keys).delete(deleting("a/b", 0, KeyOptions.NONE));
    }

    @Test
    void theHopsHeaderOfAMemberIsPassedOnAsTheHopCount() {
        asMember();
        doReturn(found("text/plain", "v")).when(keys).get(reading("k", 3, KeyOptions.NONE));

        assertThat(mvc.get().uri("/keys/k").header(DhtHeaders.HOPS, "3")).hasStatus(HttpStatus.OK);
        verify(keys).get(reading("k", 3, KeyOptions.NONE));
    }

    @Test
    void aMembersHopsHeaderThatIsNoNumberOrOutOfBoundsIsABadRequestProblem() {
        asMember();
        for (String hops : new String[]{"many", "-1", "33", "2147483648"}) {
            assertThat(mvc.get().uri("/keys/k").header(DhtHeaders.HOPS, hops))
                    .hasStatus(HttpStatus.BAD_REQUEST)
                    .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        }
        verifyNoInteractions(keys);
    }

    @Test
    void aClientsHopsHeaderIsIgnored() {
        doReturn(found("text/plain", "v")).when(keys).get(reading("k", 0, KeyOptions.NONE));
        doReturn(new KeyOutcome.Deleted(OWNER, 0)).when(keys).delete(deleting("k", 0, KeyOptions.NONE));

        // a negative count would have disabled the loop limit, any other skipped the readiness check
        assertThat(mvc.get().uri("/keys/k").header(DhtHeaders.HOPS, "-5")).hasStatus(HttpStatus.OK);
        assertThat(mvc.get().uri("/keys/k").header(DhtHeaders.HOPS, "3")).hasStatus(HttpStatus.OK);
        assertThat(mvc.delete().uri("/keys/k").header(DhtHeaders.HOPS, "many")).hasStatus(HttpStatus.NO_CONTENT);
        verify(keys, times(2)).get(reading("k", 0, KeyOptions.NONE));
        verify(keys).delete(deleting("k", 0, KeyOptions.NONE));
    }

    @Test
    void aStoredValueIsServedSandboxedAndActiveTypesAsAttachments() {
        doReturn(found("text/html", "<script>alert(1)</script>"))
                .when(keys).get(reading("page", 0, KeyOptions.NONE));
        doReturn(found("image/svg+xml", "<svg/>"))
                .when(keys).get(reading("drawing", 0, KeyOptions.NONE));
        doReturn(found("text/javascript", "alert(1)"))
                .when(keys).get(reading("script", 0, KeyOptions.NONE));
        doReturn(found("text/plain", "hello"))
                .when(keys).get(reading("text", 0, KeyOptions.NONE));

        for (String active : new String[]{"page", "drawing", "script"}) {
            assertThat(mvc.get().uri("/keys/" + active)).hasStatus(HttpStatus.OK)
                    .hasHeader("Content-Security-Policy", "sandbox")
                    .hasHeader("X-Content-Type-Options", "nosniff")
                    .hasHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment");
        }
        assertThat(mvc.get().uri("/keys/text")).hasStatus(HttpStatus.OK)
                .hasHeader("Content-Security-Policy", "sandbox")
                .hasHeader("X-Content-Type-Options", "nosniff")
                .doesNotContainHeader(HttpHeaders.CONTENT_DISPOSITION)
                .bodyText().isEqualTo("hello");
    }

    @Test
    void aKeyTheServiceDoesNotFindIsANotFoundProblemWithTheKeyHeaders() {
        asMember();
        RingPosition owner = RingPosition.parse("00c3f22a00000000");
        doThrow(KeyFailure.notFound(owner, 1)).when(keys).get(reading("k", 1, KeyOptions.NONE));

        assertThat(mvc.get().uri("/keys/k").header(DhtHeaders.HOPS, "1"))
                .hasStatus(HttpStatus.NOT_FOUND)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .hasHeader(DhtHeaders.OWNER, owner.toString())
                .hasHeader(DhtHeaders.HOPS, "1")
                .bodyJson().extractingPath("$.status").isEqualTo(404);
    }

    @Test
    void aWildcardContentTypeIsStoredAsOctetStream() {
        byte[] value = {1};
        doReturn(CREATED).when(keys).put(any());

        assertThat(mvc.put().uri("/keys/k").header(HttpHeaders.CONTENT_TYPE, "*/*").content(value)).hasStatus(HttpStatus.CREATED);
        assertThat(mvc.put().uri("/keys/k").header(HttpHeaders.CONTENT_TYPE, "text/*").content(value)).hasStatus(HttpStatus.CREATED);

        verify(keys, times(2)).put(writing("k", value, MediaType.APPLICATION_OCTET_STREAM_VALUE, 0, KeyOptions.NONE));
    }

    @Test
    void quorumsAndConditionsReachTheService() {
        doReturn(found("text/plain", "v")).when(keys).put(any());
        doReturn(found("text/plain", "v")).when(keys).get(any());

        assertThat(mvc.put().uri("/keys/k?w=3").header(HttpHeaders.IF_MATCH, "\"v\"").content(new byte[]{1})).hasStatus(HttpStatus.OK);
        assertThat(mvc.get().uri("/keys/k?r=1")).hasStatus(HttpStatus.OK);

        verify(keys).put(writing("k", new byte[]{1}, MediaType.APPLICATION_OCTET_STREAM_VALUE, 0, new KeyOptions(3, null, "\"v\"", null)));
        verify(keys).get(reading("k", 0, new KeyOptions(null, 1, null, null)));
    }

    @Test
    void aQuorumOutsideOneToTheReplicationFactorIsABadRequestProblem() {
        assertThat(mvc.put().uri("/keys/k?w=0").content(new byte[]{1}))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(mvc.get().uri("/keys/k?r=4")).hasStatus(HttpStatus.BAD_REQUEST);
        assertThat(mvc.delete().uri("/keys/k?w=x")).hasStatus(HttpStatus.BAD_REQUEST);
        verifyNoInteractions(keys);
    }

    @Test
    void aTtlInSecondsReachesTheServiceAndAWriteWithoutOneIsPermanent() {
        doReturn(CREATED).when(keys).put(any());

        assertThat(mvc.put().uri("/keys/k?ttl=3600").content(new byte[]{1})).hasStatus(HttpStatus.CREATED);
        assertThat(mvc.put().uri("/keys/k").content(new byte[]{1})).hasStatus(HttpStatus.CREATED);

        verify(keys).put(writing("k", new byte[]{1}, MediaType.APPLICATION_OCTET_STREAM_VALUE, 0, KeyOptions.NONE.withTtl(3600L)));
        verify(keys).put(writing("k", new byte[]{1}, MediaType.APPLICATION_OCTET_STREAM_VALUE, 0, KeyOptions.NONE));
    }

    @Test
    void aTtlThatIsNoPositiveWholeNumberOfSecondsIsABadRequestProblem() {
        long toTheLastRfc3339Instant = Expiry.LATEST.getEpochSecond() - Instant.parse("2026-01-01T00:00:00Z").getEpochSecond();
        when(scheduler.now()).thenReturn(Instant.parse("2026-01-01T00:00:00Z"));
        doReturn(CREATED).when(keys).put(any());

        for (String ttl : new String[]{"0", "-1", "abc", "1.5", "", "9223372036854775807", "99999999999999999999",
                Long.toString(toTheLastRfc3339Instant + 1)}) {
            assertThat(mvc.put().uri("/keys/k?ttl={ttl}", ttl).content(new byte[]{1}))
                    .as("ttl=%s", ttl)
                    .hasStatus(HttpStatus.BAD_REQUEST)
                    .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .bodyJson().extractingPath("$.title").isEqualTo("Invalid time to live");
        }
        verifyNoInteractions(keys);
        assertThat(mvc.put().uri("/keys/k?ttl={ttl}", toTheLastRfc3339Instant).content(new byte[]{1})).hasStatus(HttpStatus.CREATED);
    }

    @Test
    void anExpiringValueIsServedWithItsExpiryAndAPermanentOneWithout() {
        Entry expiring = Entry.expiring("k", new byte[]{1}, "text/plain", new Version(1, OWNER),
                Optional.of(Instant.parse("2026-12-05T04:00:00Z")));
        doReturn(new KeyOutcome.Found(expiring, OWNER, 0)).when(keys).get(reading("expiring", 0, KeyOptions.NONE));
        doReturn(found("text/plain", "v")).when(keys).get(reading("permanent", 0, KeyOptions.NONE));

        assertThat(mvc.get().uri("/keys/expiring")).hasStatus(HttpStatus.OK)
                .hasHeader(DhtHeaders.EXPIRES, "2026-12-05T04:00:00Z");
        assertThat(mvc.head().uri("/keys/expiring")).hasStatus(HttpStatus.OK)
                .hasHeader(DhtHeaders.EXPIRES, "2026-12-05T04:00:00Z");
        assertThat(mvc.get().uri("/keys/permanent")).hasStatus(HttpStatus.OK)
                .doesNotContainHeader(DhtHeaders.EXPIRES);
    }

    /** The key as one percent-encoded path segment, as a client sends it. */
    @Test
    void aMembersTimeLeftShortensTheDeadlineAndAClientsIsIgnored() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        when(scheduler.now()).thenReturn(now);
        doReturn(found("text/plain", "v")).when(keys).get(any());

        assertThat(mvc.get().uri("/keys/k").header(DhtHeaders.TIME_LEFT, "250")).hasStatus(HttpStatus.OK);
        asMember();
        assertThat(mvc.get().uri("/keys/k").header(DhtHeaders.HOPS, "1").header(DhtHeaders.TIME_LEFT, "250")).hasStatus(HttpStatus.OK);

        verify(keys).get(argThat(request -> request.hops() == 0 && request.deadline().equals(now.plusSeconds(5))));
        verify(keys).get(argThat(request -> request.hops() == 1 && request.deadline().equals(now.plusMillis(250))));
    }

    private static KeyRequest reading(String key, int hops, KeyOptions options) {
        return argThat(request -> request.method() == HttpMethod.GET && request.key().equals(Key.of(key)) && request.hops() == hops
                && request.options().equals(options));
    }

    private static KeyRequest writing(String key, byte[] value, String contentType, int hops, KeyOptions options) {
        return argThat(request -> request.method() == HttpMethod.PUT && request.key().equals(Key.of(key)) && request.hops() == hops
                && Arrays.equals(request.body(), value) && request.contentType().equals(contentType) && request.options().equals(options));
    }

    private static KeyRequest deleting(String key, int hops, KeyOptions options) {
        return argThat(request -> request.method() == HttpMethod.DELETE && request.key().equals(Key.of(key)) && request.hops() == hops
                && request.options().equals(options));
    }

    private static KeyOutcome found(String contentType, String value) {
        return new KeyOutcome.Found(new Entry("k", value.getBytes(StandardCharsets.UTF_8), contentType, new Version(1, OWNER)), OWNER, 0);
    }

    private static URI keyUri(String key) {
        return UriComponentsBuilder.fromPath("/keys").pathSegment(key).build().encode().toUri();
    }
}
