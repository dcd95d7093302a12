package dht.client;

import dht.core.wire.KeyChange;

/** What a watch on keys ({@link DhtClient#watchKeys}) tells of, on the watch's own thread. */
public interface KeyChangeListener {

    /** A put or delete of a key under the prefix; each key's in the order of their versions. */
    void changed(KeyChange change);

    /**
     * Changes may have been missed (the nodes' logs no longer reach back to where the watch resumed):
     * read the keys afresh. The watch goes on.
     */
    default void reset() {
    }

    /**
     * The watch now follows the stream of the node at {@code address} ({@code host:port}): once it
     * starts, and again each time it resumes on a node after {@link #disconnected}. Changes made from
     * here on reach the listener.
     */
    default void connected(String address) {
    }

    /** The stream of the node at {@code address} ended or broke; the watch resumes on a node of the ring after a pause. */
    default void disconnected(String address) {
    }
}
