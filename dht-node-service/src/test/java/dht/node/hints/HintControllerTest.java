package dht.node.hints;

import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.Entry;
import dht.core.wire.EntryCodec;
import dht.core.wire.HintsHandedOver;
import dht.node.config.NodeProperties;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

/** A fallback keeps the hints it is sent for a DOWN replica, says so when its store is full, and hands them over when asked. */
@WebMvcTest(controllers = HintController.class)
class HintControllerTest {

    private static final MediaType ENTRIES = MediaType.valueOf(EntryCodec.MEDIA_TYPE);

    @TestConfiguration
    @EnableConfigurationProperties(NodeProperties.class)
    static class Properties {
    }

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    HintedHandoff handoff;

    private final Entry entry = new Entry("k", "v".getBytes(StandardCharsets.UTF_8), "text/plain", new Version(1, RingPosition.MIN));

    @Test
    void hintsAreKeptForTheReplicaNamed() {
        when(handoff.keep(eq("down.example:7002"), any())).thenReturn(true);

        assertThat(mvc.post().uri("/internal/hints?for=down.example:7002").contentType(ENTRIES).content(EntryCodec.toBytes(List.of(entry))))
                .hasStatus(HttpStatus.NO_CONTENT);
        verify(handoff).keep(eq("down.example:7002"), any());
    }

    @Test
    void aFullHintStoreIsInsufficientStorage() {
        when(handoff.keep(any(), any())).thenReturn(false);

        assertThat(mvc.post().uri("/internal/hints?for=down.example:7002").contentType(ENTRIES).content(EntryCodec.toBytes(List.of(entry))))
                .hasStatus(HttpStatus.INSUFFICIENT_STORAGE)
                .bodyJson().extractingPath("$.title").asString().isEqualTo("Hint store full");
    }

    @Test
    void hintsForNoHostAndPortAreABadRequest() {
        assertThat(mvc.post().uri("/internal/hints?for=not an address").contentType(ENTRIES).content(EntryCodec.toBytes(List.of(entry))))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(mvc.post().uri("/internal/hints").contentType(ENTRIES).content(EntryCodec.toBytes(List.of(entry))))
                .hasStatus(HttpStatus.BAD_REQUEST);
        verifyNoInteractions(handoff);
    }

    @Test
    void aReplicaBackInPlaceIsHandedItsHintsOnAsking() {
        when(handoff.handOver(NodeRef.at("back.example:7003"))).thenReturn(new HintsHandedOver(12, 0));

        assertThat(mvc.post().uri("/internal/hints/handoff?for=back.example:7003"))
                .hasStatus(HttpStatus.OK)
                .bodyJson().extractingPath("$.handed").asNumber().isEqualTo(12);
    }
}
