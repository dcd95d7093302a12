package dht.node.peer;

import dht.core.Key;
import org.springframework.http.HttpMethod;

/** A client's request for one key as it travels between nodes. */
public record KeyRequest(HttpMethod method, Key key, int hops, byte[] body, String contentType, KeyOptions options) {

    public static KeyRequest read(Key key, int hops, KeyOptions options) {
        return new KeyRequest(HttpMethod.GET, key, hops, null, null, options);
    }

    public static KeyRequest write(Key key, int hops, byte[] body, String contentType, KeyOptions options) {
        return new KeyRequest(HttpMethod.PUT, key, hops, body, contentType, options);
    }

    public static KeyRequest delete(Key key, int hops, KeyOptions options) {
        return new KeyRequest(HttpMethod.DELETE, key, hops, null, null, options);
    }

    /** The same request, one hop further. */
    public KeyRequest forwarded() {
        return new KeyRequest(method, key, hops + 1, body, contentType, options);
    }

    /** GET and DELETE may be sent again after a failed connection; a PUT's version would change. */
    public boolean idempotent() {
        return method != HttpMethod.PUT;
    }
}
