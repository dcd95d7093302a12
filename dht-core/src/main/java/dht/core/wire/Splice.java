package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where one position of a joining node with virtual nodes goes: between {@code predecessor}, which
 * owns the position now and hands over the keys from it, and {@code successor}, both as members
 * (a position and an address). Both are absent for the first node of a ring.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Splice(RingPosition position, NodeRef predecessor, NodeRef successor) {

    /**
     * Where each position of {@code joiner} (its ID and {@code virtualPositions}) goes in
     * {@code others}, a ring without it, in an order that splices it into a range of another node
     * every time: positions falling into one range go in from its far end back, so that the node
     * owning a position when its turn comes is still that range's owner.
     */
    public static List<Splice> inOrder(Ring others, NodeRef joiner, List<RingPosition> virtualPositions) {
        NavigableMap<RingPosition, NodeRef> members = new TreeMap<>();
        for (NodeRef node : others.nodes()) {
            others.positionsOf(node.id()).forEach(position -> members.put(position, node.atPosition(position)));
        }
        Comparator<RingPosition> farthestIntoItsRangeFirst = Comparator.comparing(
                (RingPosition position) -> others.memberOwning(position).id().distanceTo(position), Long::compareUnsigned).reversed();
        List<Splice> splices = new ArrayList<>();
        Stream.concat(Stream.of(joiner.id()), virtualPositions.stream()).sorted(farthestIntoItsRangeFirst).forEach(position -> {
            NodeRef predecessor = Objects.requireNonNullElseGet(members.floorEntry(position), members::lastEntry).getValue();
            NodeRef successor = Objects.requireNonNullElseGet(members.higherEntry(position), members::firstEntry).getValue();
            splices.add(new Splice(position, predecessor, successor));
            members.put(position, joiner.atPosition(position));
        });
        return List.copyOf(splices);
    }
}
