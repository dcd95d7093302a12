package dht.registry.membership;

import dht.core.RingPosition;
import dht.core.wire.Registration;
import dht.registry.security.RegistrySecurity;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.verifyNoInteractions;

/** The registry's ring-changing calls need the cluster credential; reading the ring does not. */
class RegistrySecurityTest {

    private static final String TOKEN = "s3cret-cluster-token-of-the-security-test";
    private static final String ID = "5000000000000000";

    private static Consumer<HttpHeaders> bearer(String token) {
        return headers -> headers.setBearerAuth(token);
    }

    private static void assertUnauthorized(MockMvcTester.MockMvcRequestBuilder request) {
        assertThat(request).hasStatus(HttpStatus.UNAUTHORIZED)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyText().doesNotContain(TOKEN);
    }

    @Nested
    @WebMvcTest(controllers = NodesController.class, properties = "dht.security.cluster-token=" + TOKEN,
            includeFilters = @ComponentScan.Filter(type = FilterType.REGEX, pattern = "dht\\.registry\\.web\\..*"))
    @Import(RegistrySecurity.class)
    @ImportAutoConfiguration({SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class})
    class WithAClusterToken {

        @Autowired
        MockMvcTester mvc;

        @MockitoBean
        Membership membership;

        @MockitoBean
        NodeProbe probe;

        @Test
        void everyRingChangeWithoutOrWithAWrongTokenIsUnauthorizedAndChangesNothing() {
            for (Consumer<HttpHeaders> credential : List.<Consumer<HttpHeaders>>of(headers -> { }, bearer("wrong"), bearer(""))) {
                assertUnauthorized(mvc.post().uri("/nodes").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"address\":\"b.example:7002\"}").headers(credential));
                assertUnauthorized(mvc.post().uri("/nodes/{id}/ready", ID).headers(credential));
                assertUnauthorized(mvc.post().uri("/nodes/{id}/leave", ID).headers(credential));
                assertUnauthorized(mvc.delete().uri("/nodes/{id}", ID).headers(credential));
            }
            verifyNoInteractions(membership);
        }

        @Test
        void aNodeWithTheTokenRegisters() {
            given(membership.register(anyString(), any(), anyInt(), any())).willReturn(
                    new Registration(RingPosition.parse(ID), "b.example:7002", null, null));

            assertThat(mvc.post().uri("/nodes").contentType(MediaType.APPLICATION_JSON)
                    .content("{\"address\":\"b.example:7002\"}").headers(bearer(TOKEN)).remoteAddress("10.0.0.2"))
                    .hasStatus(HttpStatus.CREATED);
        }

        @Test
        void theRingIsOpenToRead() {
            assertThat(mvc.get().uri("/nodes").remoteAddress("10.0.0.9")).hasStatus(HttpStatus.OK);
        }
    }

    @Nested
    @WebMvcTest(controllers = NodesController.class,
            includeFilters = @ComponentScan.Filter(type = FilterType.REGEX, pattern = "dht\\.registry\\.web\\..*"))
    @Import(RegistrySecurity.class)
    @ImportAutoConfiguration({SecurityAutoConfiguration.class, ServletWebSecurityAutoConfiguration.class})
    class InProtectedMode {

        @Autowired
        MockMvcTester mvc;

        @MockitoBean
        Membership membership;

        @MockitoBean
        NodeProbe probe;

        @Test
        void aRingChangeFromElsewhereThanLoopbackIsUnauthorized() {
            assertUnauthorized(mvc.delete().uri("/nodes/{id}", ID).remoteAddress("192.168.7.1"));
            verifyNoInteractions(membership);
        }

        @Test
        void aRingChangeFromLoopbackIsAccepted() {
            assertThat(mvc.delete().uri("/nodes/{id}", ID).remoteAddress("127.0.0.1")).hasStatus(HttpStatus.NO_CONTENT);
        }

        @Test
        void aWebPageOnTheRegistrysMachineCannotMakeANodeLeave() {
            // a cross-site form, a cross-site fetch, and a page whose host name was rebound to loopback
            assertThat(mvc.post().uri("/nodes/{id}/leave", ID).remoteAddress("127.0.0.1")
                    .contentType(MediaType.APPLICATION_FORM_URLENCODED).content("x=1"))
                    .hasStatus(HttpStatus.UNSUPPORTED_MEDIA_TYPE).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(mvc.post().uri("/nodes/{id}/leave", ID).remoteAddress("127.0.0.1").header("Origin", "https://attacker.example"))
                    .hasStatus(HttpStatus.FORBIDDEN);
            assertThat(mvc.post().uri("http://attacker.example:50000/nodes/{id}/leave", ID).remoteAddress("127.0.0.1")
                    .header("Origin", "http://attacker.example:50000")).hasStatus(HttpStatus.FORBIDDEN);
            verifyNoInteractions(membership);
        }

        @Test
        void readingTheRingFromAnyPageStaysOpen() {
            assertThat(mvc.get().uri("/nodes").remoteAddress("127.0.0.1").header("Origin", "https://dashboard.example"))
                    .hasStatus(HttpStatus.OK);
        }
    }
}
