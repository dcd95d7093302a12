package dht.registry.membership;

import dht.core.NodeRef;
import dht.core.wire.MemberState;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** Another node's join or leave is still in progress: come back shortly. */
public class RingChangeInProgressException extends ErrorResponseException {

    public RingChangeInProgressException(NodeRef holder, MemberState state) {
        super(HttpStatus.SERVICE_UNAVAILABLE, problem(holder, state), null);
        getHeaders().set("Retry-After", "1");
    }

    private static ProblemDetail problem(NodeRef holder, MemberState state) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "Node " + holder + " is " + state.name().toLowerCase() + "; ring changes happen one at a time.");
        problem.setTitle("Ring change in progress");
        return problem;
    }
}
