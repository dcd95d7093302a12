package dht.node.keys;

import dht.core.RingPosition;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The problems of a {@code /keys} request the node refuses before it enters the ring: a bad key, quorum, time to live, value or content type, or a listing's bad limit, prefix or cursor. */
final class KeyProblems {

    private KeyProblems() {
    }

    /** {@code copies} as asked ({@code ?w=}, {@code ?r=}; null for the configured default), refused outside 1 to the replication factor. */
    static Integer requireQuorum(String parameter, Integer copies, int replicationFactor) {
        if (copies != null && (copies < 1 || copies > replicationFactor)) {
            throw problem(HttpStatus.BAD_REQUEST, "Invalid quorum", "?" + parameter + "=" + copies + " is outside 1 to "
                    + replicationFactor + " (dht.replication-factor).", null, 0);
        }
        return copies;
    }

    static ErrorResponseException invalidTtl(String why) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid time to live", why, null, 0);
    }

    static ErrorResponseException invalidKey(String why) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid key", why, null, 0);
    }

    static ErrorResponseException invalidValue(String why) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid value", why, null, 0);
    }

    static ErrorResponseException invalidContentType(String why) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid content type", why, null, 0);
    }

    static ErrorResponseException invalidListing(String why) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid listing", why, null, 0);
    }

    static ErrorResponseException tooLarge(long maxBytes) {
        return problem(HttpStatus.CONTENT_TOO_LARGE, "Value too large",
                "A value may hold at most " + maxBytes + " bytes (dht.max-value-bytes).", null, 0);
    }

    private static ErrorResponseException problem(HttpStatusCode status, String title, String detail, RingPosition owner, int hops) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        ErrorResponseException e = new ErrorResponseException(status, problem, null);
        KeyHeaders.set(e.getHeaders(), owner, hops);
        return e;
    }
}
