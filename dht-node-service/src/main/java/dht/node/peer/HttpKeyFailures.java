package dht.node.peer;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;

import java.util.Arrays;
import java.util.Optional;

/**
 * Each {@link KeyFailure.Kind} as a problem response: its status and title, and whether it asks
 * to retry. The one place both ways: the node's web edge answers a failure so, and a node that
 * forwarded a request reads its peer's answer back into the failure.
 */
public enum HttpKeyFailures {

    NOT_FOUND(KeyFailure.Kind.NOT_FOUND, HttpStatus.NOT_FOUND, "Key not found", false),
    NOT_IN_RING(KeyFailure.Kind.NOT_IN_RING, HttpStatus.SERVICE_UNAVAILABLE, "Node not in the ring", true),
    RING_CHANGING(KeyFailure.Kind.RING_CHANGING, HttpStatus.SERVICE_UNAVAILABLE, "Ring changing", true),
    LOOP(KeyFailure.Kind.LOOP, HttpStatus.LOOP_DETECTED, "Forwarding loop", false),
    NO_WRITE_QUORUM(KeyFailure.Kind.NO_WRITE_QUORUM, HttpStatus.SERVICE_UNAVAILABLE, "Write not acknowledged", true),
    NO_READ_QUORUM(KeyFailure.Kind.NO_READ_QUORUM, HttpStatus.SERVICE_UNAVAILABLE, "Read quorum not reached", true),
    PRECONDITION_FAILED(KeyFailure.Kind.PRECONDITION_FAILED, HttpStatus.PRECONDITION_FAILED, "Precondition failed", false);

    private final KeyFailure.Kind kind;
    private final HttpStatus status;
    private final String title;
    private final boolean retry;

    HttpKeyFailures(KeyFailure.Kind kind, HttpStatus status, String title, boolean retry) {
        this.kind = kind;
        this.status = status;
        this.title = title;
        this.retry = retry;
    }

    public static HttpKeyFailures of(KeyFailure.Kind kind) {
        return Arrays.stream(values()).filter(failure -> failure.kind == kind).findFirst().orElseThrow();
    }

    /** The kind of failure a peer's problem response stands for; empty for any other problem. */
    static Optional<KeyFailure.Kind> kindOf(HttpStatusCode status, String title) {
        return Arrays.stream(values()).filter(failure -> failure.status.value() == status.value() && failure.title.equals(title))
                .map(failure -> failure.kind).findFirst();
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** Whether the answer says to retry after a second ({@code Retry-After: 1}). */
    public boolean retry() {
        return retry;
    }
}
