package dht.core.wire;

/** The DHT's own HTTP headers, as nodes, dhtctl and clients name them. */
public final class DhtHeaders {

    /** The node that owns the key a {@code /keys} response is about. */
    public static final String OWNER = "X-DHT-Owner";
    /** Hop count of a request on its way between nodes; only cluster members may send it. */
    public static final String HOPS = "X-DHT-Hops";
    /**
     * The milliseconds a client's request has left when a node forwards it, so that no node works on
     * for a client that already gave up; only cluster members may send it.
     */
    public static final String TIME_LEFT = "X-DHT-Time-Left-Ms";
    /** When a value written with a time to live expires, in RFC 3339 (UTC); absent on a permanent value. */
    public static final String EXPIRES = "X-DHT-Expires";
    /** Whether a transfer round reached the end of its range. */
    public static final String TRANSFER_LAST = "X-DHT-Transfer-Last";

    private DhtHeaders() {
    }
}
