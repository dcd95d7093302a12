package dht.node.web;

import dht.node.peer.PeerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
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
     * A peer call that failed, as the client sees it: a fixed text and a request ID to find the
     * details by in the log (which peer, what failed, what it answered), never the details themselves.
     */
    @ExceptionHandler
    ResponseEntity<ProblemDetail> peerFailed(PeerException e) {
        String requestId = UUID.randomUUID().toString();
        log.warn("request {}: {}", requestId, e.getBody().getDetail(), e.getCause());
        HttpStatusCode status = e.getStatusCode();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, switch (e.kind()) {
            case TIMED_OUT -> "A node on the way did not answer in time.";
            case UNREACHABLE -> "A node on the way could not be reached.";
            case CIRCUIT_OPEN -> "Calls to a node on the way are paused after repeated failures.";
            case REFUSED -> "A node on the way refused the request.";
        });
        problem.setTitle(e.getBody().getTitle());
        problem.setProperty("requestId", requestId);
        return ResponseEntity.status(status).headers(e.getHeaders()).body(problem);
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
