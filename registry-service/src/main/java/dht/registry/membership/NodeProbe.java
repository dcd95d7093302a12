package dht.registry.membership;

import dht.core.NodeRef;

/** Whether a node answers the registry: the second opinion on a node another reports down. */
public interface NodeProbe {

    boolean answers(NodeRef node);
}
