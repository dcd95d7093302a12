package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.KeyRange;
import dht.core.NodeRef;
import dht.core.RingPosition;

import java.util.List;
import java.util.stream.Stream;

/**
 * A node's place on the ring as {@code /actuator/ring} reports it (and {@code /actuator/info}, under
 * {@code dht}); what dhtctl and the test harnesses read. Fields a node keeps to members are absent
 * from what it shows anyone else ({@link #publicView()}).
 *
 * @param id             the node's ID (absent before it knows its place)
 * @param state          its state: {@code STARTING}, {@code JOINING}, {@code TRANSFERRING}, {@code READY},
 *                       {@code LEAVING}, {@code STOPPING} (in place, DOWN until it starts again), {@code LEFT}
 * @param predecessor    the position before its ID's
 * @param successor      the position after its ID's
 * @param owns           the keys its ID's position owns, from its ID up to its successor's (absent while it owns none)
 * @param keys           how many keys it holds, replica copies and tombstones included
 * @param ownedKeys      how many of them lie in the ranges it owns
 * @param knownNodes     how many nodes its view of the whole ring holds
 * @param knownPositions with virtual nodes, how many positions that view holds: it learns a joining node's
 *                       positions one splice at a time and the rest at its next refresh from the registry
 * @param replicasInSync whether its replicas were reconciled since its ranges or replicas last changed
 * @param receiving      ranges it owns but is still pulling, with their source
 * @param handingOver    ranges it gave away and still holds keys of, with their new owner
 * @param positions      with virtual nodes, each position it stands at, its ID's included
 * @param downNodes      the members DOWN as it last heard: still members at their positions, their
 *                       ranges served by their predecessors, the writes they miss kept as hints until they are back
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RingSnapshot(RingPosition id, String address, String state, NodeRef predecessor, NodeRef successor,
                           KeyRange owns, long keys, Long ownedKeys, Integer knownNodes, Integer knownPositions,
                           Boolean replicasInSync, List<Transfer> receiving, List<Transfer> handingOver, List<Position> positions,
                           List<NodeRef> downNodes) {

    /** One position of a node with virtual nodes: its neighbors, the range it owns and the keys in it. */
    public record Position(RingPosition position, NodeRef predecessor, NodeRef successor, KeyRange owns, long ownedKeys) {
    }

    /** A range on its way between this node and {@code peer}. */
    public record Transfer(KeyRange range, NodeRef peer) {
    }

    /** What anyone may know: the position alone, without transfers, peers in flight, the ring view or sync state. */
    public RingSnapshot publicView() {
        return new RingSnapshot(id, address, state, predecessor, successor, owns, keys, ownedKeys, null, null, null, null, null, positions,
                null);
    }

    /** Every range it owns: with virtual nodes one per position, else its ID's; none while it owns none. */
    @JsonIgnore
    public List<KeyRange> ownedRanges() {
        Stream<KeyRange> ranges = positions != null ? positions.stream().map(Position::owns) : Stream.of(owns);
        return ranges.filter(range -> range != null).toList();
    }

    /** Ranges it is still pulling; none when it does not say. */
    @JsonIgnore
    public List<Transfer> receivingOrNone() {
        return receiving == null ? List.of() : receiving;
    }

    /** Ranges it still hands over; none when it does not say. */
    @JsonIgnore
    public List<Transfer> handingOverOrNone() {
        return handingOver == null ? List.of() : handingOver;
    }
}
