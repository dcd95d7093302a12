package dht.client;

/**
 * The cluster wants a credential that the client did not send, or one with more rights (a read-only
 * API key for a write): see {@link DhtClient.Builder#bearerToken}.
 */
public final class AccessDeniedException extends DhtException {

    AccessDeniedException(String message) {
        super(message);
    }
}
