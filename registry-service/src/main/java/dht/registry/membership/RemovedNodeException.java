package dht.registry.membership;

import dht.core.RingPosition;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** A node announces itself that this registry removed from the ring: it must join anew. */
public class RemovedNodeException extends ErrorResponseException {

    public RemovedNodeException(RingPosition id) {
        super(HttpStatus.CONFLICT, problem(id), null);
    }

    private static ProblemDetail problem(RingPosition id) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "Node " + id
                + " was removed from the ring (it left or was declared dead); it must join again.");
        problem.setTitle("Node removed");
        problem.setProperty("id", id.toString());
        return problem;
    }
}
