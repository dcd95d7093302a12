package dht.node.membership;

import dht.node.peer.Refusal;

/** Refusals of ring changes that would break the ring or cannot happen now. */
final class RingProblems {

    private RingProblems() {
    }

    static Refusal conflict(String detail) {
        return Refusal.conflict("Ring change refused", detail);
    }

    static Refusal busy(String detail) {
        return Refusal.busy("Ring change in progress", detail);
    }

    static Refusal notInRing(NodeState state) {
        return Refusal.busy("Node not in the ring", "This node is " + state.name().toLowerCase() + " and holds no place in the ring yet.");
    }
}
