package dht.node.peer;

import dht.core.NodeRef;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

import java.net.SocketTimeoutException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** A call to another node failed: it timed out, could not be reached, or refused. */
public class PeerException extends ErrorResponseException {

    /** What went wrong with the call. */
    public enum Kind { TIMED_OUT, UNREACHABLE, CIRCUIT_OPEN, REFUSED }

    private final NodeRef peer;
    private final Kind kind;

    private PeerException(NodeRef peer, Kind kind, HttpStatusCode status, String title, String detail, Throwable cause) {
        super(status, problem(peer, status, title, detail), cause);
        this.peer = peer;
        this.kind = kind;
    }

    public static PeerException timedOut(NodeRef peer, Duration timeout, Throwable cause) {
        return new PeerException(peer, Kind.TIMED_OUT, HttpStatus.GATEWAY_TIMEOUT, "Peer timed out",
                "Node " + peer + " did not answer within " + timeout.toMillis() + " ms.", cause);
    }

    public static PeerException unreachable(NodeRef peer, Throwable cause) {
        return new PeerException(peer, Kind.UNREACHABLE, HttpStatus.BAD_GATEWAY, "Peer unreachable",
                "Node " + peer + " could not be reached: " + describe(cause) + ".", cause);
    }

    public static PeerException circuitOpen(NodeRef peer, Throwable cause) {
        PeerException e = new PeerException(peer, Kind.CIRCUIT_OPEN, HttpStatus.SERVICE_UNAVAILABLE, "Peer unavailable",
                "Calls to node " + peer + " are paused after repeated failures.", cause);
        e.getHeaders().set("Retry-After", "2");
        return e;
    }

    public static PeerException refused(NodeRef peer, HttpStatusCode status, String detail, Throwable cause) {
        HttpStatusCode relayed = status.is5xxServerError() ? HttpStatus.BAD_GATEWAY : status;
        return new PeerException(peer, Kind.REFUSED, relayed, "Peer refused",
                "Node " + peer + " answered " + status.value() + (detail == null ? "." : ": " + detail), cause);
    }

    /** The failure of a {@code RestClient} call to {@code peer}, as a problem to answer with. */
    public static PeerException of(NodeRef peer, RestClientException failure, Duration timeout) {
        if (failure instanceof RestClientResponseException response) {
            ProblemDetail problem = problemIn(response);
            return refused(peer, HttpStatusCode.valueOf(response.getStatusCode().value()),
                    problem == null ? null : problem.getDetail(), failure);
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof HttpConnectTimeoutException) {
                return unreachable(peer, failure);
            }
            if (cause instanceof HttpTimeoutException || cause instanceof SocketTimeoutException) {
                return timedOut(peer, timeout, failure);
            }
        }
        return unreachable(peer, failure);
    }

    /** The peer's problem body; none when it answered something else, such as an HTML error page. */
    private static ProblemDetail problemIn(RestClientResponseException response) {
        try {
            return response.getResponseBodyAs(ProblemDetail.class);
        } catch (RestClientException notAProblem) {
            return null;
        }
    }

    public NodeRef peer() {
        return peer;
    }

    public Kind kind() {
        return kind;
    }

    private static ProblemDetail problem(NodeRef peer, HttpStatusCode status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        problem.setProperty("peer", peer.address());
        return problem;
    }

    private static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
