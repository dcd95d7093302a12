package dht.client;

/**
 * A request the cluster refuses as it stands, and would refuse again: an empty key or one over 1024
 * bytes, a value over the cluster's {@code dht.max-value-bytes}, a quorum over its replication factor.
 */
public final class InvalidRequestException extends DhtException {

    InvalidRequestException(String message) {
        super(message);
    }

    InvalidRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
