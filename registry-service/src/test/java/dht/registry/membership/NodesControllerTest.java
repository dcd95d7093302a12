package dht.registry.membership;

import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import java.util.Optional;
import java.time.Instant;
import dht.core.DuplicateNodeIdException;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.wire.Member;
import dht.core.wire.MemberState;
import dht.core.wire.Registration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * The registry's {@code /nodes} endpoints in front of a mocked {@link Membership}: bad input is a
 * {@code 400} problem, never a {@code 500}; domain failures are problems with their own status.
 * The app's web configuration (the ring position converter) is included as the app has it.
 */
@WebMvcTest(controllers = NodesController.class,
        includeFilters = @ComponentScan.Filter(type = FilterType.REGEX, pattern = "dht\\.registry\\.web\\..*"))
class NodesControllerTest {

    private static final NodeRef A = new NodeRef(RingPosition.parse("1000000000000000"), "a.example:7001");
    private static final NodeRef B = new NodeRef(RingPosition.parse("5000000000000000"), "b.example:7002");

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    Membership membership;

    @MockitoBean
    NodeProbe probe;

    @Test
    void aPeersReportOfANodeDownCountsOnlyIfTheRegistryCannotReachItEither() {
        given(membership.member(B.id())).willReturn(Optional.of(new Member(B.id(), B.address(), MemberState.UP)));
        given(membership.markDown(B.id())).willReturn(new Member(B.id(), B.address(), MemberState.DOWN, null, Instant.EPOCH));
        given(probe.answers(B)).willReturn(true);

        assertThat(mvc.post().uri("/nodes/{id}/down", B.id().toString()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"reporter\":\"" + A.id() + "\"}"))
                .hasStatus(HttpStatus.CONFLICT).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        verify(membership, never()).markDown(any());

        given(probe.answers(B)).willReturn(false);
        assertThat(mvc.post().uri("/nodes/{id}/down", B.id().toString()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"reporter\":\"" + A.id() + "\"}"))
                .hasStatus(HttpStatus.OK).bodyJson().isLenientlyEqualTo("{\"state\": \"DOWN\"}");
    }

    @Test
    void aNodesOwnReportOfGoingDownNeedsNoProbe() {
        given(membership.member(B.id())).willReturn(Optional.of(new Member(B.id(), B.address(), MemberState.UP)));
        given(membership.markDown(B.id())).willReturn(new Member(B.id(), B.address(), MemberState.DOWN, null, Instant.EPOCH));

        assertThat(mvc.post().uri("/nodes/{id}/down", B.id().toString()).contentType(MediaType.APPLICATION_JSON)
                .content("{\"reporter\":\"" + B.id() + "\"}"))
                .hasStatus(HttpStatus.OK);
        verifyNoInteractions(probe);
    }

    @Test
    void aDownReportWithoutReporterIsABadRequestProblem() {
        assertThat(mvc.post().uri("/nodes/{id}/down", B.id().toString()).contentType(MediaType.APPLICATION_JSON).content("{}"))
                .hasStatus(HttpStatus.BAD_REQUEST).hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void registeringAnswersCreatedWithTheNodesLocationAndNeighbors() {
        given(membership.register("b.example:7002", null, 1, null)).willReturn(new Registration(B.id(), B.address(), A, A));

        assertThat(mvc.post().uri("/nodes").contentType(MediaType.APPLICATION_JSON).content("{\"address\":\"b.example:7002\"}"))
                .hasStatus(HttpStatus.CREATED)
                .hasHeader(HttpHeaders.LOCATION, "http://localhost/nodes/5000000000000000")
                .bodyJson().isLenientlyEqualTo("""
                        {"id": "5000000000000000", "address": "b.example:7002",
                         "predecessor": {"id": "1000000000000000", "address": "a.example:7001"},
                         "successor": {"id": "1000000000000000", "address": "a.example:7001"}}
                        """);
    }

    @Test
    void aDownNodeComingBackIsRegisteredOnlyOnceTheRegistryReachesIt() {
        given(membership.members()).willReturn(List.of(new Member(B.id(), B.address(), MemberState.DOWN, null, Instant.EPOCH)));
        given(membership.register("b.example:7002", null, 1, null)).willReturn(new Registration(B.id(), B.address(), A, A));
        given(probe.answers(B)).willReturn(false);

        assertThat(mvc.post().uri("/nodes").contentType(MediaType.APPLICATION_JSON).content("{\"address\":\"b.example:7002\"}"))
                .hasStatus(HttpStatus.CONFLICT)
                .bodyJson().extractingPath("$.title").asString().isEqualTo("Node unreachable");
        verify(membership, never()).register(any(), any(), anyInt(), any());

        given(probe.answers(B)).willReturn(true);
        assertThat(mvc.post().uri("/nodes").contentType(MediaType.APPLICATION_JSON).content("{\"address\":\"b.example:7002\"}"))
                .hasStatus(HttpStatus.CREATED);
    }

    @Test
    void registeringWithAPinnedIdPassesItOn() {
        given(membership.register("b.example:7002", B.id(), 1, null)).willReturn(new Registration(B.id(), B.address(), null, null));

        assertThat(mvc.post().uri("/nodes").contentType(MediaType.APPLICATION_JSON)
                .content("{\"address\":\"b.example:7002\",\"id\":\"5000000000000000\"}"))
                .hasStatus(HttpStatus.CREATED);
    }

    @Test
    void registeringAnAddressThatIsNotHostAndPortIsABadRequestProblem() {
        assertThat(mvc.post().uri("/nodes").contentType(MediaType.APPLICATION_JSON).content("{\"address\":\"no port here\"}"))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        verifyNoInteractions(membership);
    }

    @Test
    void registeringAnIdOf15HexDigitsIsABadRequestProblem() {
        assertThat(mvc.post().uri("/nodes").contentType(MediaType.APPLICATION_JSON)
                .content("{\"address\":\"b.example:7002\",\"id\":\"500000000000000\"}"))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        verifyNoInteractions(membership);
    }

    @Test
    void registeringMalformedJsonIsABadRequestProblem() {
        assertThat(mvc.post().uri("/nodes").contentType(MediaType.APPLICATION_JSON).content("{\"address\":"))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void registeringAnIdAnotherNodeHoldsIsAConflictProblem() {
        NodeRef duplicate = new NodeRef(A.id(), "other.example:7009");
        given(membership.register(anyString(), any(), anyInt(), any())).willThrow(new DuplicateNodeIdException(duplicate, A));

        assertThat(mvc.post().uri("/nodes").contentType(MediaType.APPLICATION_JSON)
                .content("{\"address\":\"other.example:7009\",\"id\":\"1000000000000000\"}"))
                .hasStatus(HttpStatus.CONFLICT)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson().isLenientlyEqualTo("""
                        {"status": 409, "title": "Duplicate node ID", "id": "1000000000000000", "heldBy": "a.example:7001"}
                        """);
    }

    @Test
    void registeringDuringAnotherRingChangeIsUnavailableWithRetryAfter() {
        given(membership.register(anyString(), any(), anyInt(), any())).willThrow(new RingChangeInProgressException(A, MemberState.JOINING));

        assertThat(mvc.post().uri("/nodes").contentType(MediaType.APPLICATION_JSON).content("{\"address\":\"b.example:7002\"}"))
                .hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .hasHeader(HttpHeaders.RETRY_AFTER, "1");
    }

    @Test
    void theRingIsListedAsMembership() {
        given(membership.members()).willReturn(List.of(
                new Member(A.id(), A.address(), MemberState.UP), new Member(B.id(), B.address(), MemberState.LEAVING)));

        assertThat(mvc.get().uri("/nodes"))
                .hasStatus(HttpStatus.OK)
                .bodyJson().extractingPath("$.nodes[*].id").asArray().containsExactly("1000000000000000", "5000000000000000");
    }

    @Test
    void aNodeIdThatIsNotHexIsABadRequestProblem() {
        assertThat(mvc.get().uri("/nodes/zz"))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        verifyNoInteractions(membership);
    }

    @Test
    void anUnknownNodeIsANotFoundProblem() {
        assertThat(mvc.get().uri("/nodes/5000000000000000"))
                .hasStatus(HttpStatus.NOT_FOUND)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson().extractingPath("$.id").isEqualTo("5000000000000000");
    }

    @Test
    void removingAnUnknownNodeIsANotFoundProblem() {
        willThrow(new UnknownNodeException(B.id(), "is not in the ring")).given(membership).remove(B.id());

        assertThat(mvc.delete().uri("/nodes/5000000000000000"))
                .hasStatus(HttpStatus.NOT_FOUND)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .bodyJson().extractingPath("$.title").isEqualTo("Unknown node");
    }

    @Test
    void removingANodeAnswersNoContent() {
        assertThat(mvc.delete().uri("/nodes/5000000000000000")).hasStatus(HttpStatus.NO_CONTENT);
    }

    @Test
    void theOwnerOfAnEmptyKeyIsABadRequestProblem() {
        assertThat(mvc.get().uri("/nodes/owner?key="))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        verifyNoInteractions(membership);
    }

    @Test
    void theOwnerOfAKeyLongerThan1024BytesIsABadRequestProblem() {
        assertThat(mvc.get().uri("/nodes/owner").param("key", "é".repeat(512) + "a"))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void theOwnerOfAKeyIsTheNodeWhoseRangeHoldsIt() {
        Ring ring = Ring.of(A, B);
        given(membership.ring()).willReturn(ring);
        String key = "user:42";

        assertThat(mvc.get().uri("/nodes/owner").param("key", key))
                .hasStatus(HttpStatus.OK)
                .bodyJson().extractingPath("$.owner.id").isEqualTo(ring.ownerOfKey(key).id().toString());
    }

    @Test
    void theOwnerOfAKeyInAnEmptyRingIsUnavailable() {
        given(membership.ring()).willReturn(Ring.empty());

        assertThat(mvc.get().uri("/nodes/owner").param("key", "user:42"))
                .hasStatus(HttpStatus.SERVICE_UNAVAILABLE)
                .hasContentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }
}
