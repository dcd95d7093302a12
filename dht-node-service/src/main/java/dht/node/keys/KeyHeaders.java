package dht.node.keys;

import dht.core.RingPosition;
import dht.core.wire.DhtHeaders;
import org.springframework.http.HttpHeaders;

/** {@code X-DHT-Owner} and {@code X-DHT-Hops}, on every {@code /keys} response. */
final class KeyHeaders {

    private KeyHeaders() {
    }

    static HttpHeaders of(RingPosition owner, int hops) {
        HttpHeaders headers = new HttpHeaders();
        set(headers, owner, hops);
        return headers;
    }

    static void set(HttpHeaders headers, RingPosition owner, int hops) {
        if (owner != null) {
            headers.set(DhtHeaders.OWNER, owner.toString());
        }
        headers.set(DhtHeaders.HOPS, Integer.toString(hops));
    }
}
