package dht.node.security;

import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.ForwardedHeaderFilter;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node's access rules in front of stand-in endpoints that count their calls: what is refused
 * never reaches a handler. The real endpoints are walked in the cluster tests. (Controller slice
 * tests elsewhere leave Spring Security out; these bring in its auto-configuration.)
 */
class NodeSecurityTest {

    private static final String TOKEN = "s3cret-cluster-token-of-the-security-test";
    private static final String READ_KEY = "reader-key";
    private static final String WRITE_KEY = "writer-key";

    static final AtomicInteger calls = new AtomicInteger();

    /** Stand-ins for each kind of endpoint a node serves. */
    @RestController
    static class Endpoints {

        private final KeyWriteAccess writeAccess;

        Endpoints(KeyWriteAccess writeAccess) {
            this.writeAccess = writeAccess;
        }

        /** As the batch endpoint: open to readers, a batch that writes asked of the write rule once its body is read. */
        @PostMapping("/keys/batch")
        ResponseEntity<Void> batch(@RequestBody String body, HttpServletRequest request) {
            if (!body.startsWith("{\"get\"")) {
                writeAccess.require(request);
            }
            return counted();
        }

        @PostMapping("/internal/join")
        ResponseEntity<Void> internal() {
            return counted();
        }

        @PostMapping("/admin/leave")
        ResponseEntity<Void> admin() {
            return counted();
        }

        @GetMapping("/ring/events")
        ResponseEntity<Void> events() {
            return counted();
        }

        @GetMapping("/keys/{key}")
        ResponseEntity<Void> read(@PathVariable String key) {
            return counted();
        }

        @GetMapping("/keys")
        ResponseEntity<Void> list() {
            return counted();
        }

        @PutMapping("/keys/{key}")
        ResponseEntity<Void> write(@PathVariable String key) {
            return counted();
        }

        @DeleteMapping("/keys/{key}")
        ResponseEntity<Void> delete(@PathVariable String key) {
            return counted();
        }

        private static ResponseEntity<Void> counted() {
            calls.incrementAndGet();
            return ResponseEntity.noContent().build();
        }
    }

    private static Consumer<HttpHeaders> bearer(String token) {
        return headers -> headers.setBearerAuth(token);
    }

    private static void assertRefused(MockMvcTester.MockMvcRequestBuilder request, HttpStatus status) {
        int before = calls.get();
        assertThat(request).hasStatus(status).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyText().doesNotContain(TOKEN).doesNotContain("Exception");
        assertThat(calls.get()).as("calls that reached a handler").isEqualTo(before);
    }

    @Nested
    @WebMvcTest(controllers = Endpoints.class, properties = {
            "dht.security.cluster-token=" + TOKEN,
            "dht.security.api-keys.read-only=" + READ_KEY,
            "dht.security.api-keys.read-write=" + WRITE_KEY})
    @Import(NodeSecurity.class)
    @ImportAutoConfiguration({SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class})
    class WithAClusterTokenAndApiKeys {

        @Autowired
        MockMvcTester mvc;

        @Test
        void aClusterCallWithoutTheTokenIsUnauthorizedEvenFromLoopback() {
            assertRefused(mvc.post().uri("/internal/join"), HttpStatus.UNAUTHORIZED);
            assertRefused(mvc.post().uri("/admin/leave"), HttpStatus.UNAUTHORIZED);
        }

        @Test
        void aClusterCallWithAWrongTokenIsUnauthorized() {
            assertRefused(mvc.post().uri("/internal/join").headers(bearer("wrong")), HttpStatus.UNAUTHORIZED);
            assertRefused(mvc.post().uri("/internal/join").headers(bearer(TOKEN + "x")), HttpStatus.UNAUTHORIZED);
        }

        @Test
        void anApiKeyIsNoClusterCredential() {
            assertRefused(mvc.post().uri("/internal/join").headers(bearer(WRITE_KEY)), HttpStatus.FORBIDDEN);
        }

        @Test
        void theClusterTokenReachesClusterEndpointsAndKeys() {
            assertThat(mvc.post().uri("/internal/join").headers(bearer(TOKEN)).remoteAddress("10.1.2.3")).hasStatus(HttpStatus.NO_CONTENT);
            assertThat(mvc.put().uri("/keys/k").headers(bearer(TOKEN))).hasStatus(HttpStatus.NO_CONTENT);
        }

        @Test
        void keysNeedAnApiKey() {
            assertRefused(mvc.get().uri("/keys/k"), HttpStatus.UNAUTHORIZED);
            assertRefused(mvc.get().uri("/keys/k").headers(bearer("wrong")), HttpStatus.UNAUTHORIZED);
        }

        @Test
        void aReadOnlyKeyReadsButNeitherWritesNorDeletes() {
            assertThat(mvc.get().uri("/keys/k").headers(bearer(READ_KEY))).hasStatus(HttpStatus.NO_CONTENT);
            assertRefused(mvc.put().uri("/keys/k").headers(bearer(READ_KEY)), HttpStatus.FORBIDDEN);
            assertRefused(mvc.delete().uri("/keys/k").headers(bearer(READ_KEY)), HttpStatus.FORBIDDEN);
        }

        @Test
        void aReadOnlyKeyReadsThroughABatchButNeitherWritesNorDeletes() {
            assertThat(batch(READ_KEY, "{\"get\":[\"k\"]}")).hasStatus(HttpStatus.NO_CONTENT);
            assertRefused(batch(READ_KEY, "{\"put\":[{\"key\":\"k\",\"value\":\"\"}]}"), HttpStatus.FORBIDDEN);
            assertRefused(batch(READ_KEY, "{\"delete\":[\"k\"]}"), HttpStatus.FORBIDDEN);
            assertRefused(mvc.post().uri("/keys/batch").contentType(MediaType.APPLICATION_JSON).content("{\"get\":[\"k\"]}"),
                    HttpStatus.UNAUTHORIZED);
        }

        @Test
        void aReadWriteKeyAndTheClusterTokenWriteThroughABatch() {
            assertThat(batch(WRITE_KEY, "{\"put\":[{\"key\":\"k\",\"value\":\"\"}]}")).hasStatus(HttpStatus.NO_CONTENT);
            assertThat(batch(WRITE_KEY, "{\"delete\":[\"k\"]}")).hasStatus(HttpStatus.NO_CONTENT);
            assertThat(batch(TOKEN, "{\"put\":[{\"key\":\"k\",\"value\":\"\"}]}")).hasStatus(HttpStatus.NO_CONTENT);
        }

        private MockMvcTester.MockMvcRequestBuilder batch(String credential, String body) {
            return mvc.post().uri("/keys/batch").headers(bearer(credential)).contentType(MediaType.APPLICATION_JSON).content(body);
        }

        @Test
        void listingKeysNeedsAKeyThatMayRead() {
            assertRefused(mvc.get().uri("/keys?prefix=user:"), HttpStatus.UNAUTHORIZED);
            assertThat(mvc.get().uri("/keys?prefix=user:").headers(bearer(READ_KEY))).hasStatus(HttpStatus.NO_CONTENT);
            assertThat(mvc.get().uri("/keys").headers(bearer(WRITE_KEY))).hasStatus(HttpStatus.NO_CONTENT);
        }

        @Test
        void aReadWriteKeyReadsWritesAndDeletes() {
            assertThat(mvc.get().uri("/keys/k").headers(bearer(WRITE_KEY))).hasStatus(HttpStatus.NO_CONTENT);
            assertThat(mvc.put().uri("/keys/k").headers(bearer(WRITE_KEY))).hasStatus(HttpStatus.NO_CONTENT);
            assertThat(mvc.delete().uri("/keys/k").headers(bearer(WRITE_KEY))).hasStatus(HttpStatus.NO_CONTENT);
        }

        @Test
        void ringEventsNeedACredentialAndAnApiKeySuffices() {
            assertRefused(mvc.get().uri("/ring/events"), HttpStatus.UNAUTHORIZED);
            assertThat(mvc.get().uri("/ring/events").headers(bearer(READ_KEY))).hasStatus(HttpStatus.NO_CONTENT);
            assertThat(mvc.get().uri("/ring/events").headers(bearer(TOKEN))).hasStatus(HttpStatus.NO_CONTENT);
        }

        @Test
        void aPageOfAnotherOriginCannotCallClusterEndpointsEvenWithTheToken() {
            assertRefused(mvc.post().uri("/admin/leave").headers(bearer(TOKEN)).header("Origin", "https://attacker.example"),
                    HttpStatus.FORBIDDEN);
        }

        @Test
        void keysHoldingEncodedSlashesPercentsAndSemicolonsPassTheFirewall() {
            assertThat(mvc.get().uri("/keys/a%2Fb%25c%3Bd%5Ce%2E%2E").headers(bearer(READ_KEY))).hasStatus(HttpStatus.NO_CONTENT);
            assertThat(mvc.get().uri("/keys/%2F%2F").headers(bearer(READ_KEY))).hasStatus(HttpStatus.NO_CONTENT);
        }
    }

    @Nested
    @WebMvcTest(controllers = Endpoints.class)
    @Import(NodeSecurity.class)
    @ImportAutoConfiguration({SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class})
    class InProtectedMode {

        @Autowired
        MockMvcTester mvc;

        @Test
        void clusterCallsFromLoopbackAreAccepted() {
            assertThat(mvc.post().uri("/internal/join").remoteAddress("127.0.0.1")).hasStatus(HttpStatus.NO_CONTENT);
            assertThat(mvc.post().uri("/internal/join").remoteAddress("::1")).hasStatus(HttpStatus.NO_CONTENT);
        }

        @Test
        void clusterCallsFromElsewhereAreUnauthorized() {
            assertRefused(mvc.post().uri("/internal/join").remoteAddress("192.168.1.20"), HttpStatus.UNAUTHORIZED);
            assertRefused(mvc.post().uri("/admin/leave").remoteAddress("10.0.0.7"), HttpStatus.UNAUTHORIZED);
        }

        @Test
        void ringEventsAreOpenToEveryoneWithoutTokenOrApiKeys() {
            assertThat(mvc.get().uri("/ring/events").remoteAddress("192.168.1.20")).hasStatus(HttpStatus.NO_CONTENT);
        }

        @Test
        void aFormPostedByAWebPageOnTheSameMachineIsRefused() {
            // what a cross-site <form method=post> sends: its content type, and its page's origin
            assertRefused(mvc.post().uri("/admin/leave").remoteAddress("127.0.0.1")
                    .contentType(MediaType.APPLICATION_FORM_URLENCODED).content("x=1"), HttpStatus.UNSUPPORTED_MEDIA_TYPE);
            assertRefused(mvc.post().uri("/admin/leave").remoteAddress("127.0.0.1")
                    .header("Origin", "https://attacker.example"), HttpStatus.FORBIDDEN);
            assertRefused(mvc.post().uri("/admin/leave").remoteAddress("127.0.0.1")
                    .header("Origin", "null").contentType(MediaType.TEXT_PLAIN), HttpStatus.FORBIDDEN);
        }

        @Test
        void aHostNameRoundToLoopbackByDnsRebindingIsRefused() {
            assertRefused(mvc.post().uri("http://attacker.example:50001/internal/join").remoteAddress("127.0.0.1")
                    .header("Origin", "http://attacker.example:50001"), HttpStatus.FORBIDDEN);
            assertThat(mvc.post().uri("http://localhost:50001/internal/join").remoteAddress("127.0.0.1")
                    .header("Origin", "http://localhost:50001")).hasStatus(HttpStatus.NO_CONTENT);
        }

        @Test
        void keysAreOpenToEveryoneWithoutApiKeys() {
            assertThat(mvc.put().uri("/keys/k").remoteAddress("192.168.1.20")).hasStatus(HttpStatus.NO_CONTENT);
            assertThat(mvc.get().uri("/keys/k").remoteAddress("192.168.1.20")).hasStatus(HttpStatus.NO_CONTENT);
            assertThat(mvc.post().uri("/keys/batch").remoteAddress("192.168.1.20").contentType(MediaType.APPLICATION_JSON)
                    .content("{\"delete\":[\"k\"]}")).hasStatus(HttpStatus.NO_CONTENT);
        }
    }

    /** As with {@code server.forward-headers-strategy=framework}, or Tomcat's RemoteIpValve, which Boot turns on by itself on Kubernetes. */
    @Nested
    @WebMvcTest(controllers = Endpoints.class)
    @Import({NodeSecurity.class, BehindForwardedHeaders.Filter.class})
    @ImportAutoConfiguration({SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class})
    class BehindForwardedHeaders {

        static class Filter {
            @Bean
            ForwardedHeaderFilter forwardedHeaderFilter() {
                return new ForwardedHeaderFilter();
            }
        }

        @Autowired
        MockMvcTester mvc;

        @Test
        void aForwardedHeaderNamingLoopbackDoesNotMakeACallerLoopback() {
            assertRefused(mvc.post().uri("/internal/join").remoteAddress("10.1.2.3").header("X-Forwarded-For", "127.0.0.1"),
                    HttpStatus.UNAUTHORIZED);
            assertRefused(mvc.post().uri("/admin/leave").remoteAddress("10.1.2.3").header("Forwarded", "for=127.0.0.1"),
                    HttpStatus.UNAUTHORIZED);
        }

        @Test
        void theConnectionsOwnLoopbackStillCounts() {
            assertThat(mvc.post().uri("/internal/join").remoteAddress("127.0.0.1").header("X-Forwarded-For", "203.0.113.9"))
                    .hasStatus(HttpStatus.NO_CONTENT);
        }
    }
}
