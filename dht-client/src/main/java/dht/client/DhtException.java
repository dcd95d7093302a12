package dht.client;

/** Why a call of {@link DhtClient} failed; each kind of failure is a subclass of its own. */
public abstract sealed class DhtException extends RuntimeException
        permits ConditionFailedException, InvalidRequestException, AccessDeniedException, UnavailableException, UnexpectedAnswerException {

    DhtException(String message) {
        super(message);
    }

    DhtException(String message, Throwable cause) {
        super(message, cause);
    }
}
