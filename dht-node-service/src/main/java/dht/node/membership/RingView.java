package dht.node.membership;

import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dht.node.observability.RingEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Every node of the ring as this node last heard of it: refreshed from the registry and updated
 * as neighbors join and leave. It may lag behind; routing only takes it where it moves a request
 * closer to the key, and falls back to the neighbors when it names a node that is gone.
 */
@Component
public class RingView {

    private static final Logger log = LoggerFactory.getLogger(RingView.class);

    private final AtomicReference<Ring> ring = new AtomicReference<>(Ring.empty());
    private final ApplicationEventPublisher events;

    public RingView(ApplicationEventPublisher events) {
        this.events = events;
    }

    public Ring ring() {
        return ring.get();
    }

    public void replace(Ring next) {
        announce(ring.getAndSet(next), next);
    }

    public void add(NodeRef node) {
        update(current -> current.without(node.id()).with(node));
    }

    public void remove(RingPosition id) {
        update(current -> current.without(id));
    }

    private void update(UnaryOperator<Ring> change) {
        Ring previous = ring.getAndUpdate(change);
        announce(previous, ring.get());
    }

    /** Every node that came or went between two views, as a ring event. */
    private void announce(Ring previous, Ring next) {
        if (previous.equals(next) || previous.isEmpty()) {
            return;
        }
        next.nodes().stream().filter(node -> !previous.nodes().contains(node))
                .forEach(node -> events.publishEvent(RingEvent.about("node-joined", node)));
        previous.nodes().stream().filter(node -> !next.nodes().contains(node))
                .forEach(node -> events.publishEvent(RingEvent.about("node-left", node)));
        log.debug("ring view now has {} nodes", next.size());
    }
}
