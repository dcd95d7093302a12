package dht.node.peer;

import dht.core.Key;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.Entry;

/**
 * What a client's key request ended in, wherever in the ring it was served: the protocol's answer,
 * which the web edge alone turns into a status and headers. Each names the key's owner that served
 * it and the forwards it took to get there. A request that fails ends in a {@link KeyFailure}.
 */
public sealed interface KeyOutcome {

    RingPosition owner();

    int hops();

    /** The value stored under the key. */
    record Found(Entry entry, RingPosition owner, int hops) implements KeyOutcome {
    }

    /** A write stored in as many copies as it needed: a new key, or a value replaced. */
    record Stored(Key key, Version version, boolean created, RingPosition owner, int hops) implements KeyOutcome {
    }

    /** A value deleted (a tombstone stored in as many copies as it needed). */
    record Deleted(RingPosition owner, int hops) implements KeyOutcome {
    }
}
