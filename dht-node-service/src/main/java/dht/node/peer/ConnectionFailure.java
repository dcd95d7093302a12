package dht.node.peer;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.util.function.Predicate;

/**
 * Failures after which a request surely never reached the peer, so that sending it again is safe
 * and cheap; named in the resilience4j retry configuration.
 */
public class ConnectionFailure implements Predicate<Throwable> {

    @Override
    public boolean test(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof HttpConnectTimeoutException) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }
}
