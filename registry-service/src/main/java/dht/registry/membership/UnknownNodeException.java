package dht.registry.membership;

import dht.core.RingPosition;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** A request names a node the registry does not know in the needed state. */
public class UnknownNodeException extends ErrorResponseException {

    public UnknownNodeException(RingPosition id, String why) {
        super(HttpStatus.NOT_FOUND, problem(id, why), null);
    }

    private static ProblemDetail problem(RingPosition id, String why) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "Node " + id + " " + why + ".");
        problem.setTitle("Unknown node");
        problem.setProperty("id", id.toString());
        return problem;
    }
}
