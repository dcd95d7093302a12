package dht.core.wire;

import java.util.List;

/** The registry's ring: the linked-in nodes sorted by ID. */
public record RingListing(List<Member> nodes) {
}
