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
}
