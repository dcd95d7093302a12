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
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.io.IOException;
import java.util.UUID;

/**
 * Every error as an RFC 9457 problem: Spring MVC's own and every {@code ErrorResponseException}
 * (key, ring and peer problems) through the base class, the unexpected here without a stack trace.
 */
@RestControllerAdvice
class ProblemHandling extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandling.class);

    /** A request body that cannot be read (a broken entry batch, a client gone mid-request): the request is at fault. */
    @ExceptionHandler
    ProblemDetail unreadable(IOException e) {
        log.debug("unreadable request body", e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "The request body could not be read.");
        problem.setTitle("Unreadable request");
        return problem;
    }

    /**
     * A peer call that failed, as the client sees it: the status its kind calls for, a fixed text
     * and a request ID to find the details by in the log (which peer, what failed, what it
     * answered), never the details themselves.
     */
    @ExceptionHandler
    ResponseEntity<ProblemDetail> peerFailed(PeerFailure e) {
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

    /** This node refused a peer's request: the reason's status, with the refusal's own title and detail. */
    /** A key request the ring could not serve, with the owner that answered and the forwards it took, as every key response has. */
    @ExceptionHandler
    ResponseEntity<ProblemDetail> keyFailed(KeyFailure failure) {
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

    @ExceptionHandler
    ResponseEntity<ProblemDetail> refused(Refusal refusal) {
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

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }

    @ExceptionHandler
    ProblemDetail unexpected(Exception e) {
        log.error("unexpected error", e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "The node failed to answer; see its log.");
        problem.setTitle("Internal error");
        return problem;
    }
}
