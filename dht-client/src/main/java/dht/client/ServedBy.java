package dht.client;

/**
 * Who answered a request: the node it was sent to, the owner of the key as that node saw it
 * ({@code X-DHT-Owner}), and how many times the request was forwarded between nodes before it was
 * served ({@code X-DHT-Hops}). A client whose view of the ring is current sends each request to a
 * replica of its key, so {@code hops} stays 0.
 *
 * @param node  the {@code host:port} the request was sent to
 * @param owner the owning node's ID, 16 hex digits; empty when the node did not say
 * @param hops  forwards between nodes; -1 when the node did not say
 */
public record ServedBy(String node, String owner, int hops) {
}
