package dht.node.membership;

import dht.core.NodeRef;

/**
 * The registry removed this node although it runs: it was declared dead while only slow or cut
 * off, and its neighbors have closed the ring behind it.
 */
public record RemovedFromRing(NodeRef self) {
}
