package dht.node.watch;

import dht.core.RingPosition;
import dht.core.Version;
import dht.web.ClusterSecurity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/** {@code GET /keys?watch=true} in front of a mocked {@link KeyWatches}: what reaches it, and what is refused before. */
@WebMvcTest(controllers = WatchController.class)
class WatchControllerTest {

    private static final Version VERSION = new Version(0x01a24452d1990000L, RingPosition.parse("6b1cad8f201b6a99"));

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    KeyWatches watches;

    @BeforeEach
    void asMember() throws Exception {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated("node", null,
                AuthorityUtils.createAuthorityList("ROLE_" + ClusterSecurity.CLUSTER)));
        SseEmitter ended = new SseEmitter();
        ended.complete();
        when(watches.open(any(), any(), any())).thenReturn(ended);
    }

    @AfterEach
    void forgetTheCaller() {
        SecurityContextHolder.clearContext();
    }

    @Test
    void aWatchReachesTheServiceWithItsPrefixResumePointAndTimeout() throws Exception {
        assertThat(mvc.get().uri("/keys?prefix=user:&watch=true&timeout=5").header("Last-Event-ID", VERSION.toString())
                .accept(MediaType.TEXT_EVENT_STREAM)).hasStatusOk().hasContentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM);

        verify(watches).open("user:", Optional.of(VERSION), Duration.ofSeconds(5));
    }

    @Test
    void withoutPrefixOrTimeoutAWatchIsOfEveryKeyForTheLongestLifetime() throws Exception {
        assertThat(mvc.get().uri("/keys?watch=true")).hasStatusOk();

        verify(watches).open("", Optional.empty(), Duration.ofDays(365));
    }

    @Test
    void watchOtherThanTrueIsABadRequestProblem() {
        assertBadRequest(mvc.get().uri("/keys?prefix=user:&watch=yes").exchange(), "Invalid watch");
    }

    @Test
    void aPrefixOver1024BytesIsABadRequestProblem() {
        assertBadRequest(mvc.get().uri("/keys").queryParam("prefix", "é".repeat(512) + "a").queryParam("watch", "true").exchange(),
                "Invalid prefix");
    }

    @Test
    void aMalformedLastEventIdIsABadRequestProblem() {
        assertBadRequest(mvc.get().uri("/keys?watch=true").header("Last-Event-ID", "42").exchange(), "Invalid Last-Event-ID");
    }

    @Test
    void aTimeoutBelowOneSecondIsABadRequestProblem() {
        assertBadRequest(mvc.get().uri("/keys?watch=true&timeout=0").exchange(), "Invalid timeout");
    }

    private void assertBadRequest(MvcTestResult result, String title) {
        assertThat(result).hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson().extractingPath("$.title").isEqualTo(title);
        verifyNoInteractions(watches);
    }
}
