package dht.node.membership;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.verifyNoInteractions;

/** A join's every node, the joining node itself included, is a {@code host:port} of bounded length. */
@WebMvcTest(controllers = NeighborController.class)
class NeighborControllerTest {

    private static final String JOINER = "{\"id\":\"1000000000000000\",\"address\":\"a.example:7001\"}";

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    NeighborService neighbors;

    @MockitoBean
    FailureDetector failureDetector;

    @MockitoBean
    LocalNode node;

    @Test
    void aJoinWhoseNodeIsNoHostAndPortIsABadRequest() {
        for (String address : new String[]{"x".repeat(5000) + ":7001", "no-port", ""}) {
            assertThat(mvc.post().uri("/internal/join").contentType(MediaType.APPLICATION_JSON)
                    .content("{\"joiner\":" + JOINER + ",\"successor\":" + JOINER
                            + ",\"node\":{\"id\":\"1000000000000000\",\"address\":\"" + address + "\"}}"))
                    .hasStatus(HttpStatus.BAD_REQUEST)
                    .bodyJson().extractingPath("$.detail").asString().contains("node.address");
        }
        verifyNoInteractions(neighbors);
    }
}
