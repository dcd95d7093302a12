package dht.node.peer;

/**
 * This node refuses a peer's request, for one of the protocol's {@link PeerFailure.Reason}s: the
 * server's side of {@link PeerFailure.Refused}. The web edge answers it with the reason's status.
 */
public final class Refusal extends RuntimeException {

    private final PeerFailure.Reason reason;
    private final String title;

    private Refusal(PeerFailure.Reason reason, String title, String detail) {
        super(detail);
        this.reason = reason;
        this.title = title;
    }

    /** The request no longer fits this node's ring. */
    public static Refusal conflict(String title, String detail) {
        return new Refusal(PeerFailure.Reason.CONFLICT, title, detail);
    }

    /** This node cannot take the request now; asking again later may work. */
    public static Refusal busy(String title, String detail) {
        return new Refusal(PeerFailure.Reason.BUSY, title, detail);
    }

    public PeerFailure.Reason reason() {
        return reason;
    }

    public String title() {
        return title;
    }
}
