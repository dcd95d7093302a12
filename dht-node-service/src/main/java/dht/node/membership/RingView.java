package dht.node.membership;

import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Every node of the ring as this node last heard of it: refreshed from the registry and updated
 * as neighbors join and leave. It may lag behind; routing only takes it where it moves a request
 * closer to the key, and falls back to the neighbors when it names a node that is gone.
 */
@Component
public class RingView {

    private static final Logger log = LoggerFactory.getLogger(RingView.class);

    private final AtomicReference<Ring> ring = new AtomicReference<>(Ring.empty());

    public Ring ring() {
        return ring.get();
    }

    public void replace(Ring next) {
        Ring previous = ring.getAndSet(next);
        if (!previous.equals(next)) {
            log.debug("ring view now has {} nodes", next.size());
        }
    }

    public void add(NodeRef node) {
        ring.updateAndGet(current -> current.without(node.id()).with(node));
    }

    public void remove(RingPosition id) {
        ring.updateAndGet(current -> current.without(id));
    }
}
