package dht.node.peer;

import dht.core.Key;
import org.springframework.http.HttpMethod;

import java.time.Instant;

/** A client's request for one key as it travels between nodes, to be answered by its {@code deadline}. */
public record KeyRequest(HttpMethod method, Key key, int hops, Instant deadline, byte[] body, String contentType,
                         KeyOptions options) {

    public static KeyRequest read(Key key, int hops, Instant deadline, KeyOptions options) {
        return new KeyRequest(HttpMethod.GET, key, hops, deadline, null, null, options);
    }

    public static KeyRequest write(Key key, int hops, Instant deadline, byte[] body, String contentType, KeyOptions options) {
        return new KeyRequest(HttpMethod.PUT, key, hops, deadline, body, contentType, options);
    }

    public static KeyRequest delete(Key key, int hops, Instant deadline, KeyOptions options) {
        return new KeyRequest(HttpMethod.DELETE, key, hops, deadline, null, null, options);
    }

    /** The same request, one hop further, by the same deadline. */
    public KeyRequest forwarded() {
        return new KeyRequest(method, key, hops + 1, deadline, body, contentType, options);
    }

    /** GET and DELETE may be sent again after a failed connection; a PUT's version would change. */
    public boolean idempotent() {
        return method != HttpMethod.PUT;
    }
}
