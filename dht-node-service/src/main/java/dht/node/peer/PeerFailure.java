package dht.node.peer;

import dht.core.NodeRef;

import java.time.Duration;

/**
 * A call to another node or to the registry failed: it timed out, could not be reached, was not
 * made because calls to that peer are paused, or the peer refused it, for a {@link Reason}. What
 * went over the wire is known to the HTTP clients alone, what to answer a client to the web edge
 * alone: the protocol only tells these apart.
 */
public abstract sealed class PeerFailure extends RuntimeException
        permits PeerFailure.TimedOut, PeerFailure.Unreachable, PeerFailure.Paused, PeerFailure.Refused {

    /** Why a peer refused, in the protocol's terms. */
    public enum Reason {
        /** The request no longer fits the peer's ring: a stale join, a handover or transfer it gave up. */
        CONFLICT,
        /** The peer cannot take it now (joining, or another change in progress); asking again later may work. */
        BUSY,
        /** The peer knows nothing of what was asked for. */
        NOT_FOUND,
        /** The peer found the request malformed or not allowed (a wrong cluster credential, say). */
        REJECTED,
        /** The peer failed to answer it, or answered something unreadable. */
        FAILED
    }

    private final NodeRef peer;

    private PeerFailure(NodeRef peer, String message, Throwable cause) {
        super(message, cause);
        this.peer = peer;
    }

    public NodeRef peer() {
        return peer;
    }

    public static TimedOut timedOut(NodeRef peer, Duration timeout, Throwable cause) {
        return new TimedOut(peer, timeout, cause);
    }

    public static Unreachable unreachable(NodeRef peer, Throwable cause) {
        return new Unreachable(peer, cause);
    }

    public static Paused paused(NodeRef peer, Throwable cause) {
        return new Paused(peer, cause);
    }

    public static Refused refused(NodeRef peer, Reason reason, String detail) {
        return new Refused(peer, reason, detail, null);
    }

    /** Whether the peer refused for {@code reason}. */
    public boolean isRefusal(Reason reason) {
        return this instanceof Refused refused && refused.reason() == reason;
    }

    /** The peer did not answer within the timeout. */
    public static final class TimedOut extends PeerFailure {

        TimedOut(NodeRef peer, Duration timeout, Throwable cause) {
            super(peer, "node " + peer + " did not answer within " + timeout.toMillis() + " ms", cause);
        }
    }

    /** The peer could not be reached: refused connections, no route, a connect timeout. */
    public static final class Unreachable extends PeerFailure {

        Unreachable(NodeRef peer, Throwable cause) {
            super(peer, "node " + peer + " could not be reached: " + describe(cause), cause);
        }
    }

    /** The call was not made: calls to this peer are paused after repeated failures (its circuit breaker is open). */
    public static final class Paused extends PeerFailure {

        Paused(NodeRef peer, Throwable cause) {
            super(peer, "calls to node " + peer + " are paused after repeated failures", cause);
        }
    }

    /** The peer answered, refusing. */
    public static final class Refused extends PeerFailure {

        private final Reason reason;

        Refused(NodeRef peer, Reason reason, String detail, Throwable cause) {
            super(peer, "node " + peer + " refused (" + reason + ")" + (detail == null ? "" : ": " + detail), cause);
            this.reason = reason;
        }

        public Reason reason() {
            return reason;
        }
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "no cause given";
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
}
