package dht.core.wire;

import dht.core.Ring;

import java.util.List;

/** The registry's ring: the linked-in nodes sorted by ID. */
public record RingListing(List<Member> nodes) {

    /** The ring these members make, each at its ID and its virtual positions. */
    public Ring ring() {
        Ring ring = Ring.empty();
        for (Member member : nodes == null ? List.<Member>of() : nodes) {
            ring = ring.with(member.ref(), member.virtualPositionsOrNone());
        }
        return ring;
    }
}
