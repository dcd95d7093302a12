package dht.node.membership;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** Refusals of ring changes that would break the ring or cannot happen now. */
final class RingProblems {

    private RingProblems() {
    }

    static ErrorResponseException conflict(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, detail);
        problem.setTitle("Ring change refused");
        return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
    }

    static ErrorResponseException busy(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, detail);
        problem.setTitle("Ring change in progress");
        ErrorResponseException e = new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, problem, null);
        e.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        return e;
    }

    static ErrorResponseException notInRing(NodeState state) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "This node is " + state.name().toLowerCase() + " and holds no place in the ring yet.");
        problem.setTitle("Node not in the ring");
        ErrorResponseException e = new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, problem, null);
        e.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        return e;
    }
}
