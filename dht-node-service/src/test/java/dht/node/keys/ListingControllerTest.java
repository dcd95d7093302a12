package dht.node.keys;

import dht.core.RingPosition;
import dht.core.listing.KeyListing;
import dht.core.listing.ListingCursor;
import dht.core.wire.StoreCursor;
import dht.node.config.NodeProperties;
import dht.node.peer.KeyFailure;
import dht.node.time.NodeScheduler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/** {@code GET /keys} in front of a mocked {@link ListingService}, beside the key endpoints it shares its path with. */
@WebMvcTest(controllers = {ListingController.class, KeysController.class})
@Import(ForwardingHeaders.class)
class ListingControllerTest {

    @TestConfiguration
    @EnableConfigurationProperties(NodeProperties.class)
    static class Properties {
    }

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    ListingService listing;

    @MockitoBean
    KeyService keys;

    @MockitoBean
    NodeScheduler scheduler;

    @BeforeEach
    void aClock() {
        when(scheduler.now()).thenReturn(Instant.now());
    }

    @Test
    void aPageWithMoreToFollowCarriesTheCursorOfItsLastKey() {
        when(listing.list(eq("user:"), eq(2), isNull(), any()))
                .thenReturn(new KeyListing.Page(List.of("user:42", "user:7"), StoreCursor.of("user:7")));
        assertThat(mvc.get().uri("/keys?prefix=user:&limit=2"))
                .hasStatus(HttpStatus.OK)
                .hasContentType(MediaType.APPLICATION_JSON)
                .bodyJson().isStrictlyEqualTo("{\"keys\": [\"user:42\", \"user:7\"], \"cursor\": \""
                        + ListingCursor.encode(StoreCursor.of("user:7")) + "\"}");
    }

    @Test
    void theLastPageHasANullCursor() {
        when(listing.list(eq(""), eq(ListingController.DEFAULT_LIMIT), isNull(), any()))
                .thenReturn(new KeyListing.Page(List.of(), null));
        assertThat(mvc.get().uri("/keys"))
                .hasStatus(HttpStatus.OK)
                .bodyJson().isStrictlyEqualTo("{\"keys\": [], \"cursor\": null}");
    }

    @Test
    void theCursorAnsweredResumesTheListing() {
        StoreCursor cursor = new StoreCursor(RingPosition.parse("00c3f22a00000000"), "user:/é");
        when(listing.list(eq(""), eq(5), eq(cursor), any())).thenReturn(new KeyListing.Page(List.of("user:9"), null));
        assertThat(mvc.get().uri("/keys?limit=5&cursor=" + ListingCursor.encode(cursor))).hasStatus(HttpStatus.OK);
        verify(listing).list(eq(""), eq(5), eq(cursor), any());
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=1001", "limit=-1", "limit=many", "cursor=not-a-cursor", "cursor=", "cursor=AgAAAAAAAAAAa2V5"})
    void badInputIsAProblem(String query) {
        assertThat(mvc.get().uri("/keys?" + query))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        verifyNoInteractions(listing);
    }

    @Test
    void aPrefixLongerThanAnyKeyIsAProblem() {
        assertThat(mvc.get().uri("/keys").queryParam("prefix", "é".repeat(513)))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        verifyNoInteractions(listing);
    }

    @Test
    void theLimitsOfTheLimitAreAllowed() {
        when(listing.list(anyString(), anyInt(), any(), any())).thenReturn(new KeyListing.Page(List.of(), null));
        assertThat(mvc.get().uri("/keys?limit=1")).hasStatus(HttpStatus.OK);
        assertThat(mvc.get().uri("/keys?limit=1000")).hasStatus(HttpStatus.OK);
    }

    @Test
    void aNodeNotInTheRingAnswers503() {
        when(listing.list(anyString(), anyInt(), any(), any())).thenThrow(KeyFailure.notInRing("JOINING", null, 0));
        assertThat(mvc.get().uri("/keys"))
                .hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON)
                .hasHeader("Retry-After", "1");
    }

    @Test
    void tooFewReplicasAnswers503() {
        when(listing.list(anyString(), anyInt(), any(), any())).thenThrow(KeyFailure.noReadQuorum(1, 2, null, 0));
        assertThat(mvc.get().uri("/keys")).hasStatus(HttpStatus.SERVICE_UNAVAILABLE);
    }

    @Test
    void otherMethodsOnKeysWithoutAKeyStayAProblem() {
        assertThat(mvc.put().uri("/keys").content(new byte[]{1})).hasStatus(HttpStatus.BAD_REQUEST);
        verifyNoInteractions(listing);
    }
}
