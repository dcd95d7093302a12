package dht.node.membership;

/**
 * Brings the ranges this node owns together with their replicas' copies (the replication layer
 * does it): membership asks for it before it hands a range away.
 */
public interface RangeReconciliation {

    /** Reconciles now unless the last round covered the ring as it stands; answers whether one did. */
    boolean reconcileIfStale();
}
