package dht.core.wire;

import dht.core.RingPosition;
import jakarta.validation.constraints.NotNull;

/**
 * A report that a member is down: by a node whose probes it no longer answers (which the registry
 * confirms before it believes it), or by the member itself as it stops ({@code reporter} its own ID).
 */
public record DownReport(@NotNull RingPosition reporter) {
}
