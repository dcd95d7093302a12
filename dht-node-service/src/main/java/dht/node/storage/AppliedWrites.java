package dht.node.storage;

import dht.core.wire.Entry;

/**
 * Told of every write this node applies to a key: a client's write it coordinates or holds a
 * replica of, and a copy that replaced an older version here (anti-entropy, read repair); not the
 * entries a key transfer moves, which change nothing. Called with the key's lock held, in the order
 * the key's versions were stored: it must be quick and must not block.
 */
@FunctionalInterface
public interface AppliedWrites {

    AppliedWrites NONE = entry -> {
    };

    void applied(Entry entry);
}
