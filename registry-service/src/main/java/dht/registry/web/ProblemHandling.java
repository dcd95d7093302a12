package dht.registry.web;

import dht.core.DuplicateNodeIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error as an RFC 9457 problem: Spring MVC's own through the base class, domain errors that
 * are {@code ErrorResponseException}s as they are, and the rest here, never with a stack trace.
 */
@RestControllerAdvice
class ProblemHandling extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandling.class);

    @ExceptionHandler
    ProblemDetail duplicateId(DuplicateNodeIdException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Duplicate node ID");
        problem.setProperty("id", e.requested().id().toString());
        problem.setProperty("heldBy", e.present().address());
        return problem;
    }

    @ExceptionHandler
    ProblemDetail unexpected(Exception e) {
        log.error("unexpected error", e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "The registry failed to answer; see its log.");
        problem.setTitle("Internal error");
        return problem;
    }
}
