package dht.core.wire;

import dht.core.KeyRange;

/** Asks a replica for the digest of what it holds of {@code range}, cut into {@code parts} arcs. */
public record DigestRequest(KeyRange range, int parts) {
}
