package dht.node.transfer;

import dht.core.NodeRef;
import dht.node.peer.PeerFailure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * A digest of absurdly many parts is refused before any is computed; a failed call to a peer
 * answers with a fixed text and a request ID, never the peer's address or the failure itself.
 */
@WebMvcTest(controllers = TransferController.class)
class TransferControllerTest {

    private static final String RANGE = "{\"start\":\"0000000000000000\",\"end\":\"8000000000000000\"}";

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    TransferService transfers;

    @Test
    void aDigestOfTooManyOrNoPartsIsABadRequest() {
        for (String parts : new String[]{"2000000000", "65537", "0", "-1"}) {
            assertThat(mvc.post().uri("/internal/ranges/digest").contentType(MediaType.APPLICATION_JSON)
                    .content("{\"range\":" + RANGE + ",\"parts\":" + parts + "}"))
                    .hasStatus(HttpStatus.BAD_REQUEST)
                    .bodyJson().extractingPath("$.detail").asString().contains("parts");
        }
        verifyNoInteractions(transfers);
    }

    @Test
    void eachKindOfPeerFailureHasItsStatus() {
        NodeRef peer = NodeRef.at("peer.internal:7001");
        Map<PeerFailure, Integer> statuses = Map.of(
                PeerFailure.timedOut(peer, Duration.ofSeconds(5), null), 504,
                PeerFailure.unreachable(peer, null), 502,
                PeerFailure.paused(peer, null), 503,
                PeerFailure.refused(peer, PeerFailure.Reason.BUSY, "joining"), 503,
                PeerFailure.refused(peer, PeerFailure.Reason.CONFLICT, "the ring moved on"), 409,
                PeerFailure.refused(peer, PeerFailure.Reason.FAILED, "disk on fire"), 502,
                PeerFailure.refused(peer, PeerFailure.Reason.REJECTED, "wrong token"), 502);
        statuses.forEach((failure, status) -> {
            willThrow(failure).given(transfers).digest(any());
            assertThat(mvc.post().uri("/internal/ranges/digest").contentType(MediaType.APPLICATION_JSON)
                    .content("{\"range\":" + RANGE + ",\"parts\":4}"))
                    .as(failure.getMessage()).hasStatus(status)
                    .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        });
    }

    @Test
    void aFailedPeerCallTellsTheCallerNeitherThePeerNorWhatFailed() {
        NodeRef peer = NodeRef.at("secret-host.internal:7001");
        given(transfers.digest(any())).willThrow(PeerFailure.unreachable(peer, new ConnectException("Connection refused by 10.9.8.7")));

        assertThat(mvc.post().uri("/internal/ranges/digest").contentType(MediaType.APPLICATION_JSON)
                .content("{\"range\":" + RANGE + ",\"parts\":4}"))
                .hasStatus(HttpStatus.BAD_GATEWAY)
                .bodyText()
                .doesNotContain("secret-host").doesNotContain("10.9.8.7").doesNotContain("ConnectException")
                .contains("\"requestId\"").contains("could not be reached");
    }
}
