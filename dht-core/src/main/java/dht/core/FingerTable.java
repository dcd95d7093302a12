package dht.core;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Chord's finger table, read off a ring view: finger {@code i} is the node that owns
 * {@code self + 2^i}, for {@code i} from 0 to 63, and, as Chord's successor list, the next two
 * nodes clockwise, so that one unreachable node never leaves a gap. It is the fallback when the owner a ring view
 * names cannot be reached: a request goes to the finger closest before the key that is closer to
 * it than this node. Every such hop strictly shortens the clockwise distance to the key, so
 * forwarding never circles, and it roughly halves that distance, so a ring of N nodes is crossed in
 * about log2 N hops instead of N neighbor by neighbor.
 */
public record FingerTable(NodeRef self, List<NodeRef> fingers) {

    private static final int SUCCESSORS = 2;

    public FingerTable {
        Objects.requireNonNull(self, "self");
        fingers = List.copyOf(fingers);
    }

    /**
     * The fingers of {@code self} in {@code ring}, which need not list {@code self} itself; each
     * finger is a member, the position owning the finger's point and its node's address.
     */
    public static FingerTable of(Ring ring, NodeRef self) {
        Ring withSelf = ring.contains(self.id()) ? ring : ring.with(self);
        Set<NodeRef> fingers = new LinkedHashSet<>();
        for (NodeRef member = withSelf.memberAfter(self.id()); fingers.size() < SUCCESSORS && !member.id().equals(self.id());
             member = withSelf.memberAfter(member.id())) {
            if (!member.sameNodeAs(self)) {
                fingers.add(member);
            }
        }
        for (int i = 0; i < Long.SIZE; i++) {
            NodeRef finger = withSelf.memberOwning(new RingPosition(self.id().value() + (1L << i)));
            if (!finger.sameNodeAs(self)) {
                fingers.add(finger);
            }
        }
        return new FingerTable(self, List.copyOf(fingers));
    }

    /**
     * The finger closest before {@code position} among those closer to it than this node, leaving
     * out the nodes of {@code unreachable}; empty when there is none, as for the owner itself.
     */
    public Optional<NodeRef> nextHop(RingPosition position, Set<NodeRef> unreachable) {
        long own = self.id().distanceTo(position);
        Comparator<NodeRef> closestToKey = (a, b) -> Long.compareUnsigned(a.id().distanceTo(position), b.id().distanceTo(position));
        return fingers.stream()
                .filter(finger -> unreachable.stream().noneMatch(finger::sameNodeAs))
                .filter(finger -> Long.compareUnsigned(finger.id().distanceTo(position), own) < 0)
                .min(closestToKey);
    }
}
