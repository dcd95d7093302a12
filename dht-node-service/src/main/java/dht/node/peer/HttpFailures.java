package dht.node.peer;

import dht.core.NodeRef;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** What a failed HTTP call to a peer was, as the protocol's {@link PeerFailure}: the one place that reads status codes of peers. */
public final class HttpFailures {

    private HttpFailures() {
    }

    /** The failure of a {@code RestClient} call to {@code peer}. */
    static PeerFailure of(NodeRef peer, RestClientException failure, Duration timeout) {
        if (failure instanceof RestClientResponseException response) {
            ProblemDetail problem = problemIn(response);
            return new PeerFailure.Refused(peer, reasonFor(response.getStatusCode()), problem == null ? null : problem.getDetail(), failure);
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpConnectTimeoutException) {
                return PeerFailure.unreachable(peer, failure);
            }
            if (cause instanceof HttpTimeoutException || cause instanceof SocketTimeoutException) {
                return PeerFailure.timedOut(peer, timeout, failure);
            }
        }
        return PeerFailure.unreachable(peer, failure);
    }

    /** A peer's answer other than success, as a refusal. */
    static PeerFailure.Refused refusal(NodeRef peer, HttpStatusCode status, String detail) {
        return new PeerFailure.Refused(peer, reasonFor(status), detail, null);
    }

    public static PeerFailure.Reason reasonFor(HttpStatusCode status) {
        return switch (status.value()) {
            case 409, 412 -> PeerFailure.Reason.CONFLICT;
            case 503, 429 -> PeerFailure.Reason.BUSY;
            case 404 -> PeerFailure.Reason.NOT_FOUND;
            default -> status.is4xxClientError() ? PeerFailure.Reason.REJECTED : PeerFailure.Reason.FAILED;
        };
    }

    /** The peer's problem body; none when it answered something else, such as an HTML error page. */
    private static ProblemDetail problemIn(RestClientResponseException response) {
        try {
            return response.getResponseBodyAs(ProblemDetail.class);
        } catch (RestClientException notAProblem) {
            return null;
        }
    }
}
