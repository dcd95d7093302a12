package dht.core.wire;

import dht.core.KeyRange;

/** Asks a replica for the digest of what it holds of {@code range}, cut into {@code parts} arcs. */
public record DigestRequest(KeyRange range, int parts) {

    /** Arcs per digest when two nodes compare a range: a reply of some 20 KB that narrows a difference down to 1/1024 of it. */
    public static final int ARCS = 1024;

    /** The digest of {@code range} in {@link #ARCS} arcs, as anti-entropy and a node back in place compare it. */
    public static DigestRequest of(KeyRange range) {
        return new DigestRequest(range, ARCS);
    }
}
