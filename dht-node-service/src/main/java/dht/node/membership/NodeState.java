package dht.node.membership;

/** A node's life in the ring. */
public enum NodeState {
    /** Not yet registered: its port, and so its ID, may not even be known. */
    STARTING,
    /** Registered and splicing in between its neighbors. */
    JOINING,
    /** Linked in and owning its range, still pulling that range's keys. */
    TRANSFERRING,
    /** A full member. */
    READY,
    /** Handing its keys back before it goes; it owns nothing any more. */
    LEAVING,
    /** Stopping without leaving: DOWN in the ring, its predecessors serving its ranges until it is back. */
    STOPPING,
    /** Out of the ring. */
    LEFT;

    /** Whether the node answers public requests that enter the ring through it. */
    public boolean servesClients() {
        return this == READY;
    }

    /** Whether the node holds a range of the ring (possibly still filling it). */
    public boolean ownsRange() {
        return this == TRANSFERRING || this == READY;
    }
}
