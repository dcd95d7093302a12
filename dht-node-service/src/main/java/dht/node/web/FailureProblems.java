package dht.node.web;

import dht.core.wire.DhtHeaders;
import dht.node.peer.HttpKeyFailures;
import dht.node.peer.KeyFailure;
import dht.node.peer.PeerFailure;
import dht.node.peer.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;

import java.util.UUID;

/**
 * The problem response each of the node's failures is answered with: a peer that failed, a key
 * request the ring could not serve, a refusal of this node's, a problem raised at the web edge. The
 * one mapping from failures to statuses: {@link ProblemHandling} answers a request with it, and a
 * batch answers each of its keys so.
 */
public final class FailureProblems {

    private static final Logger log = LoggerFactory.getLogger(FailureProblems.class);

    private FailureProblems() {
    }

    /** Any failure a request can end in; what is none of the node's own kinds is an internal error, logged. */
    public static ResponseEntity<ProblemDetail> of(RuntimeException failure) {
        return switch (failure) {
            case PeerFailure peer -> peerFailed(peer);
            case KeyFailure key -> keyFailed(key);
            case Refusal refusal -> refused(refusal);
            case ErrorResponse error -> ResponseEntity.status(error.getStatusCode()).headers(error.getHeaders()).body(error.getBody());
            default -> {
                log.error("unexpected error", failure);
                yield ResponseEntity.internalServerError().body(unexpected());
            }
        };
    }

    /**
     * A peer call that failed, as the client sees it: the status its kind calls for, a fixed text
     * and a request ID to find the details by in the log (which peer, what failed, what it
     * answered), never the details themselves.
     */
    static ResponseEntity<ProblemDetail> peerFailed(PeerFailure e) {
        String requestId = UUID.randomUUID().toString();
        log.warn("request {}: {}", requestId, e.getMessage(), e.getCause());
        HttpHeaders headers = new HttpHeaders();
        ProblemDetail problem = switch (e) {
            case PeerFailure.TimedOut timedOut -> problem(HttpStatus.GATEWAY_TIMEOUT, "Peer timed out",
                    "A node on the way did not answer in time.");
            case PeerFailure.Unreachable unreachable -> problem(HttpStatus.BAD_GATEWAY, "Peer unreachable",
                    "A node on the way could not be reached.");
            case PeerFailure.Paused paused -> {
                headers.set(HttpHeaders.RETRY_AFTER, "2");
                yield problem(HttpStatus.SERVICE_UNAVAILABLE, "Peer unavailable",
                        "Calls to a node on the way are paused after repeated failures.");
            }
            case PeerFailure.Refused refused -> switch (refused.reason()) {
                case CONFLICT -> problem(HttpStatus.CONFLICT, "Peer refused", "A node on the way no longer agrees with this request's view of the ring.");
                case BUSY -> {
                    headers.set(HttpHeaders.RETRY_AFTER, "1");
                    yield problem(HttpStatus.SERVICE_UNAVAILABLE, "Peer busy", "A node on the way cannot take this request now.");
                }
                case NOT_FOUND, REJECTED, FAILED -> problem(HttpStatus.BAD_GATEWAY, "Peer refused", "A node on the way refused the request.");
            };
        };
        problem.setProperty("requestId", requestId);
        return ResponseEntity.status(problem.getStatus()).headers(headers).body(problem);
    }

    /** A key request the ring could not serve, with the owner that answered and the forwards it took, as every key response has. */
    static ResponseEntity<ProblemDetail> keyFailed(KeyFailure failure) {
        HttpKeyFailures http = HttpKeyFailures.of(failure.kind());
        HttpHeaders headers = new HttpHeaders();
        if (failure.owner() != null) {
            headers.set(DhtHeaders.OWNER, failure.owner().toString());
        }
        headers.set(DhtHeaders.HOPS, Integer.toString(failure.hops()));
        if (http.retry()) {
            headers.set(HttpHeaders.RETRY_AFTER, "1");
        }
        failure.current().ifPresent(version -> headers.setETag("\"" + version + "\""));
        return ResponseEntity.status(http.status()).headers(headers).body(problem(http.status(), http.title(), failure.getMessage()));
    }

    /** This node refused a peer's request: the reason's status, with the refusal's own title and detail. */
    static ResponseEntity<ProblemDetail> refused(Refusal refusal) {
        HttpHeaders headers = new HttpHeaders();
        HttpStatus status = switch (refusal.reason()) {
            case CONFLICT -> HttpStatus.CONFLICT;
            case BUSY -> {
                headers.set(HttpHeaders.RETRY_AFTER, "1");
                yield HttpStatus.SERVICE_UNAVAILABLE;
            }
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case REJECTED -> HttpStatus.BAD_REQUEST;
            case FAILED -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
        return ResponseEntity.status(status).headers(headers).body(problem(status, refusal.title(), refusal.getMessage()));
    }

    /** The answer to what went wrong unexpectedly: a fixed text, the details in the log. */
    static ProblemDetail unexpected() {
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error", "The node failed to answer; see its log.");
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
