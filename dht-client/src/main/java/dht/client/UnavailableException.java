package dht.client;

/**
 * No node could serve the request: each one tried could not be reached, did not answer in time, or
 * was not in the ring, after every retry. A write that failed this way may or may not have been
 * applied ({@link #mayHaveBeenApplied()}); writing the same value again is safe.
 */
public final class UnavailableException extends DhtException {

    private final boolean mayHaveBeenApplied;
    /** Whether another attempt, after a pause and a fresh look at the ring, could still serve the request. */
    private final boolean worthRetrying;

    UnavailableException(String message, boolean mayHaveBeenApplied, boolean worthRetrying, Throwable cause) {
        super(message, cause);
        this.mayHaveBeenApplied = mayHaveBeenApplied;
        this.worthRetrying = worthRetrying;
    }

    /** Whether a node may have received the request before it failed: always false for reads. */
    public boolean mayHaveBeenApplied() {
        return mayHaveBeenApplied;
    }

    boolean worthRetrying() {
        return worthRetrying;
    }
}
