package dht.core.wire;

import dht.core.RingPosition;
import dht.core.Version;

/** The answer to a stored write: where the key lives and the version it now has. */
public record KeyWritten(String key, RingPosition position, RingPosition owner, Version version) {
}
