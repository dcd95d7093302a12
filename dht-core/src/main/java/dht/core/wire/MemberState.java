package dht.core.wire;

/** Where a node stands in the registry's ring. */
public enum MemberState {
    /** Registered and splicing in; not yet counted as an owner. */
    JOINING,
    /** Linked in with its range transferred. */
    ACTIVE,
    /** Handing its range back before it goes. */
    LEAVING
}
