package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.NodeRef;
import dht.core.RingPosition;

import java.time.Instant;
import java.util.List;

/**
 * A node as the registry lists it; {@code virtualPositions}, where it stands besides its ID, only
 * with virtual nodes; {@code downSince}, when it was marked DOWN, only while it is DOWN or joining
 * back at its positions.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Member(RingPosition id, String address, MemberState state, List<RingPosition> virtualPositions, Instant downSince) {

    public Member(RingPosition id, String address, MemberState state) {
        this(id, address, state, null, null);
    }

    public Member(RingPosition id, String address, MemberState state, List<RingPosition> virtualPositions) {
        this(id, address, state, virtualPositions, null);
    }

    public Member {
        virtualPositions = virtualPositions == null || virtualPositions.isEmpty() ? null : List.copyOf(virtualPositions);
    }

    /** Whether it owns and routes: neither DOWN nor still joining back from DOWN. */
    @JsonIgnore
    public boolean isServing() {
        return state != MemberState.DOWN && downSince == null;
    }

    public NodeRef ref() {
        return new NodeRef(id, address);
    }

    /** Where it stands besides its ID, empty without virtual nodes. */
    public List<RingPosition> virtualPositionsOrNone() {
        return virtualPositions == null ? List.of() : virtualPositions;
    }
}
