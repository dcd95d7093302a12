package dht.core.wire;

import dht.core.Ring;

import java.util.List;
import java.util.function.Predicate;

/** The registry's ring: its members sorted by ID, each in its state. */
public record RingListing(List<Member> nodes) {

    /**
     * The ring the members that answer make, each at its ID and its virtual positions: the ring that
     * owns and routes. A DOWN member is left out until it has joined back; its predecessors serve its
     * range meanwhile.
     */
    public Ring ring() {
        return ringOf(Member::isServing);
    }

    /**
     * Every member at its positions, DOWN ones included: where each key's copies belong. A DOWN
     * member's range keeps its replicas, so that nothing is copied to a further node while it is away.
     */
    public Ring placement() {
        return ringOf(member -> true);
    }

    /** The members that are DOWN. */
    public List<Member> down() {
        return members().stream().filter(member -> member.state() == MemberState.DOWN).toList();
    }

    private List<Member> members() {
        return nodes == null ? List.of() : nodes;
    }

    private Ring ringOf(Predicate<Member> included) {
        Ring ring = Ring.empty();
        for (Member member : members()) {
            if (included.test(member)) {
                ring = ring.with(member.ref(), member.virtualPositionsOrNone());
            }
        }
        return ring;
    }
}
