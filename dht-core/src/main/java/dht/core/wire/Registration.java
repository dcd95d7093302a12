package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.NodeRef;
import dht.core.RingPosition;

import java.time.Instant;
import java.util.List;

/**
 * The registry's answer to a joining node: its ID and the neighbors it must splice in between
 * (both absent for the first node of a ring). With virtual nodes, {@code splices} names every
 * position it takes, each with its neighbors, in the order to splice them in. {@code awaySince}
 * only for a node that was a member before (DOWN, removed, or restarted before anyone noticed):
 * since when it has been away, so that a node away for longer than deletions are remembered
 * rebuilds its data from the replicas instead of bringing deleted keys back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Registration(RingPosition id, String address, NodeRef predecessor, NodeRef successor, List<Splice> splices,
                           Instant awaySince) {

    public Registration(RingPosition id, String address, NodeRef predecessor, NodeRef successor) {
        this(id, address, predecessor, successor, null, null);
    }

    public Registration(RingPosition id, String address, NodeRef predecessor, NodeRef successor, List<Splice> splices) {
        this(id, address, predecessor, successor, splices, null);
    }

    /** The same registration for a node that was a member before and comes back: away since {@code since}. */
    public Registration awaySince(Instant since) {
        return new Registration(id, address, predecessor, successor, splices, since);
    }

    public Registration {
        splices = splices == null ? null : List.copyOf(splices);
    }

    public NodeRef node() {
        return new NodeRef(id, address);
    }

    public boolean isFirst() {
        return predecessor == null;
    }

    /** Every position to splice in: with virtual nodes as listed, else the ID alone. */
    public List<Splice> splicesInOrder() {
        return splices != null ? splices : List.of(new Splice(id, predecessor, successor));
    }
}
