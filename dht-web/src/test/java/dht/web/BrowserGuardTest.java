package dht.web;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Web pages cannot reach the cluster endpoints: not by a cross-site form or fetch (a foreign
 * {@code Origin}, a form's content type), nor, in protected mode, by DNS rebinding (a foreign
 * {@code Host}). Calls as nodes, dhtctl and Swagger UI on the same origin make them go through.
 */
class BrowserGuardTest {

    private final AtomicInteger passed = new AtomicInteger();

    private final BrowserGuard protectedMode = new BrowserGuard(request -> request.getRequestURI().startsWith("/internal/"),
            Set.of("node-1.dht.example"), true);
    private final BrowserGuard withToken = new BrowserGuard(request -> request.getRequestURI().startsWith("/internal/"),
            Set.of(), false);

    @Test
    void aNodesCallPasses() throws Exception {
        assertThat(status(protectedMode, post("localhost", 50001))).isEqualTo(200);
        assertThat(status(protectedMode, post("127.0.0.1", 50001))).isEqualTo(200);
        assertThat(status(protectedMode, post("node-1.dht.example", 50001))).isEqualTo(200);
        assertThat(passed).hasValue(3);
    }

    @Test
    void aForeignOriginIsRefused() throws Exception {
        MockHttpServletRequest request = post("localhost", 50001);
        request.addHeader("Origin", "https://attacker.example");
        MockHttpServletResponse response = serve(protectedMode, request);

        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        assertThat(passed).hasValue(0);
    }

    @Test
    void theNullOriginOfASandboxedPageOrAFileIsRefused() throws Exception {
        MockHttpServletRequest request = post("localhost", 50001);
        request.addHeader("Origin", "null");
        assertThat(status(withToken, request)).isEqualTo(403);
    }

    @Test
    void aPageOfTheNodesOwnOriginPasses() throws Exception {
        MockHttpServletRequest request = post("localhost", 50001);
        request.addHeader("Origin", "http://localhost:50001");
        assertThat(status(protectedMode, request)).isEqualTo(200);
    }

    @Test
    void theSameHostOnAnotherPortIsAnotherOrigin() throws Exception {
        MockHttpServletRequest request = post("localhost", 50001);
        request.addHeader("Origin", "http://localhost:8080");
        assertThat(status(protectedMode, request)).isEqualTo(403);
    }

    @Test
    void aFormsContentTypesAreRefused() throws Exception {
        for (String type : new String[]{"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"}) {
            MockHttpServletRequest request = post("localhost", 50001);
            request.setContentType(type);
            assertThat(status(protectedMode, request)).as(type).isEqualTo(415);
        }
        assertThat(passed).hasValue(0);
    }

    @Test
    void jsonAndEntryBatchesPass() throws Exception {
        for (String type : new String[]{"application/json", "application/vnd.dht.entries", "application/problem+json"}) {
            MockHttpServletRequest request = post("localhost", 50001);
            request.setContentType(type);
            assertThat(status(protectedMode, request)).as(type).isEqualTo(200);
        }
    }

    @Test
    void inProtectedModeAReboundHostNameIsRefused() throws Exception {
        // the page's own origin, as after DNS rebinding: Origin and Host agree, and name the attacker's domain
        MockHttpServletRequest request = post("attacker.example", 50001);
        request.addHeader("Origin", "http://attacker.example:50001");
        assertThat(status(protectedMode, request)).isEqualTo(403);
        assertThat(status(protectedMode, post("attacker.example", 50001))).isEqualTo(403);
        assertThat(passed).hasValue(0);
    }

    @Test
    void withATokenTheHostIsNotJudged() throws Exception {
        // a rebound page cannot present the token, so the name it used is no threat
        assertThat(status(withToken, post("dht-registry", 50000))).isEqualTo(200);
    }

    @Test
    void otherEndpointsAreLeftAlone() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("PUT", "/keys/k");
        request.setServerName("attacker.example");
        request.addHeader("Origin", "https://attacker.example");
        request.setContentType("text/plain");
        assertThat(status(protectedMode, request)).isEqualTo(200);
    }

    private static MockHttpServletRequest post(String host, int port) {
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/internal/join");
        request.setServerName(host);
        request.setServerPort(port);
        return request;
    }

    private int status(BrowserGuard guard, MockHttpServletRequest request) throws Exception {
        return serve(guard, request).getStatus();
    }

    private MockHttpServletResponse serve(BrowserGuard guard, MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        guard.doFilter(request, response, (req, res) -> {
            passed.incrementAndGet();
            ((MockHttpServletResponse) res).setStatus(200);
        });
        return response;
    }
}
