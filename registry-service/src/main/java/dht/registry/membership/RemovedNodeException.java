package dht.registry.membership;

import dht.core.RingPosition;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** A node announces itself that this registry removed from the ring, or lists as DOWN: it must join again. */
public class RemovedNodeException extends ErrorResponseException {

    public RemovedNodeException(RingPosition id) {
        this(id, "Node " + id + " was removed from the ring (it left, was removed or was DOWN too long); it must join again.");
    }

    public RemovedNodeException(RingPosition id, String detail) {
        super(HttpStatus.CONFLICT, problem(id, detail), null);
    }

    private static ProblemDetail problem(RingPosition id, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, detail);
        problem.setTitle("Node removed");
        problem.setProperty("id", id.toString());
        return problem;
    }
}
