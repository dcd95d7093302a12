package dht.node.keys;

import dht.core.RingPosition;
import dht.core.Version;
import dht.node.membership.NodeState;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

import java.util.Optional;

/** The problems a {@code /keys} request can end in, each with the headers every key response carries. */
final class KeyProblems {

    private KeyProblems() {
    }

    static ErrorResponseException notFound(String key, RingPosition owner, int hops) {
        return problem(HttpStatus.NOT_FOUND, "Key not found", "No value is stored under this key.", owner, hops);
    }

    static ErrorResponseException notInRing(NodeState state, RingPosition self, int hops) {
        ErrorResponseException e = problem(HttpStatus.SERVICE_UNAVAILABLE, "Node not in the ring",
                "This node is " + state.name().toLowerCase() + " and does not serve keys yet; retry shortly or use another node.",
                self, hops);
        e.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        return e;
    }

    static ErrorResponseException ringChanging(RingPosition self, int hops) {
        ErrorResponseException e = problem(HttpStatus.SERVICE_UNAVAILABLE, "Ring changing",
                "The key's range began or finished moving while the write was prepared, again and again; retry shortly.",
                self, hops);
        e.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        return e;
    }

    static ErrorResponseException loop(int hops, int maxHops, RingPosition self) {
        return problem(HttpStatus.LOOP_DETECTED, "Forwarding loop",
                "The request was forwarded " + hops + " times (the limit is " + maxHops + "); the ring is changing or inconsistent.",
                self, hops);
    }

    static ErrorResponseException noQuorum(int stored, int needed, RingPosition owner, int hops) {
        ErrorResponseException e = problem(HttpStatus.SERVICE_UNAVAILABLE, "Write not acknowledged",
                "The write reached " + stored + " of the " + needed + " copies it needs (dht.write-quorum) in time; "
                        + "it may or may not persist. Retry it.", owner, hops);
        e.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        return e;
    }

    static ErrorResponseException noReadQuorum(int answered, int needed, RingPosition owner, int hops) {
        ErrorResponseException e = problem(HttpStatus.SERVICE_UNAVAILABLE, "Read quorum not reached",
                answered + " of the " + needed + " copies this read needs (?r= or dht.read-quorum) answered in time. Retry it.",
                owner, hops);
        e.getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
        return e;
    }

    static ErrorResponseException preconditionFailed(Optional<Version> current, RingPosition owner, int hops) {
        ErrorResponseException e = problem(HttpStatus.PRECONDITION_FAILED, "Precondition failed", current
                        .map(version -> "The key's current version is " + version + "; the write or delete was not applied.")
                        .orElse("The key has no value; the write or delete was not applied."),
                owner, hops);
        current.ifPresent(version -> e.getHeaders().setETag("\"" + version + "\""));
        return e;
    }

    static ErrorResponseException invalidQuorum(String parameter, int value, int replicationFactor) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid quorum", "?" + parameter + "=" + value + " is outside 1 to "
                + replicationFactor + " (dht.replication-factor).", null, 0);
    }

    static ErrorResponseException invalidKey(String why) {
        return problem(HttpStatus.BAD_REQUEST, "Invalid key", why, null, 0);
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
