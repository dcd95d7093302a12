package dht.node.membership;

import dht.core.NodeRef;

import java.util.List;

/**
 * The writes a node missed while it was DOWN, kept for it by the others as hints (the hinted
 * handoff does it): a node back in place takes them before it compares its ranges with the others.
 */
public interface MissedWrites {

    /** Asks each of {@code members} for the hints it keeps for {@code self}; answers how many were handed over. */
    long collect(NodeRef self, List<NodeRef> members);
}
