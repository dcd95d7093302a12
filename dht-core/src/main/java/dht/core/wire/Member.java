package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.NodeRef;
import dht.core.RingPosition;

import java.util.List;

/** A node as the registry lists it; {@code virtualPositions}, where it stands besides its ID, only with virtual nodes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Member(RingPosition id, String address, MemberState state, List<RingPosition> virtualPositions) {

    public Member(RingPosition id, String address, MemberState state) {
        this(id, address, state, null);
    }

    public Member {
        virtualPositions = virtualPositions == null || virtualPositions.isEmpty() ? null : List.copyOf(virtualPositions);
    }

    public NodeRef ref() {
        return new NodeRef(id, address);
    }

    /** Where it stands besides its ID, empty without virtual nodes. */
    public List<RingPosition> virtualPositionsOrNone() {
        return virtualPositions == null ? List.of() : virtualPositions;
    }
}
