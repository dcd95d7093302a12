package dht.node.watch;

import dht.core.wire.KeyChange;

/**
 * What a watch sends its client: a change ({@code put} or {@code delete}), or {@code reset}: changes
 * may have been missed, and the client reads the keys afresh.
 *
 * @param change the change; none for a reset
 */
record WatchEvent(String type, KeyChange change) {

    static final String RESET = "reset";

    static WatchEvent of(KeyChange change) {
        return new WatchEvent(change.type().wireName(), change);
    }

    static WatchEvent reset() {
        return new WatchEvent(RESET, null);
    }

    boolean isReset() {
        return change == null;
    }
}
