package dht.core.wire;

/** Where a node stands in the registry's ring. */
public enum MemberState {
    /** Registered and splicing in; not yet counted as an owner. */
    JOINING,
    /** Linked in with its range transferred, and answering. */
    UP,
    /**
     * Unreachable or stopped, yet still a member at its positions: the other replicas serve its keys
     * until it comes back in place, or is removed (a leave, an operator's removal, or
     * {@code dht.down-removal-timeout}).
     */
    DOWN,
    /** Handing its range back before it goes. */
    LEAVING
}
