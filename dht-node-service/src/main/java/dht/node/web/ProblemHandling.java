package dht.node.web;

import dht.node.peer.KeyFailure;
import dht.node.peer.PeerFailure;
import dht.node.peer.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.io.IOException;

/**
 * Every error as an RFC 9457 problem: Spring MVC's own and every {@code ErrorResponseException}
 * (key, ring and peer problems) through the base class, the node's failures as {@link FailureProblems}
 * has them, the unexpected here without a stack trace.
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

    @ExceptionHandler
    ResponseEntity<ProblemDetail> peerFailed(PeerFailure e) {
        return FailureProblems.peerFailed(e);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> keyFailed(KeyFailure failure) {
        return FailureProblems.keyFailed(failure);
    }

    @ExceptionHandler
    ResponseEntity<ProblemDetail> refused(Refusal refusal) {
        return FailureProblems.refused(refusal);
    }

    @ExceptionHandler
    ProblemDetail unexpected(Exception e) {
        log.error("unexpected error", e);
        return FailureProblems.unexpected();
    }
}
