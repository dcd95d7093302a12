package dht.client;

/** An answer the DHT's contract does not name for this request, such as a server error. */
public final class UnexpectedAnswerException extends DhtException {

    private final int status;

    UnexpectedAnswerException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** The HTTP status the node answered with. */
    public int status() {
        return status;
    }
}
