package dht.client;

import dht.core.Ring;
import dht.client.Transport.Unreachable;

import java.net.URI;

/** Where the client learns the ring from: the registry, or the nodes themselves. */
interface RingSource {

    /** The whole ring, every node at each of its positions. */
    Ring fetch() throws Unreachable;

    /** The URL of the node at {@code host:port}, in the scheme the cluster serves. */
    URI urlOf(String address);

    /** For messages: where the ring is read. */
    String describe();

    /** {@code scheme://host:port} without a path or trailing slash. */
    static URI baseUrl(URI url) {
        if (url.getHost() == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw new IllegalArgumentException("not a URL like http://localhost:50000: " + url);
        }
        return URI.create(url.getScheme() + "://" + url.getRawAuthority());
    }
}
