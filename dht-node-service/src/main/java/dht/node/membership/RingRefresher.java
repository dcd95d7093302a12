package dht.node.membership;

import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.wire.Member;
import dht.node.peer.PeerException;
import dht.node.peer.RegistryClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dht.node.config.NodeProperties;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;

import java.time.Instant;

/** Keeps the {@link RingView} in step with the registry's ring while this node is a member. */
@Component
class RingRefresher {

    private static final Logger log = LoggerFactory.getLogger(RingRefresher.class);

    private final LocalNode node;
    private final RingView view;
    private final RegistryClient registry;
    private volatile boolean registryReachable = true;

    RingRefresher(LocalNode node, RingView view, RegistryClient registry, TaskScheduler scheduler, NodeProperties properties) {
        this.node = node;
        this.view = view;
        this.registry = registry;
        scheduler.scheduleWithFixedDelay(this::refresh, Instant.now().plus(properties.ringRefreshInterval()),
                properties.ringRefreshInterval());
    }

    void refresh() {
        if (!node.state().ownsRange()) {
            return;
        }
        try {
            Ring ring = Ring.of(registry.ring().nodes().stream().map(Member::ref).toList());
            NodeRef self = node.self().orElseThrow();
            view.replace(ring.contains(self.id()) ? ring : ring.with(self));
            if (!registryReachable) {
                log.info("the registry answers again");
                registryReachable = true;
            }
        } catch (PeerException e) {
            if (registryReachable) {
                log.warn("cannot refresh the ring from the registry: {}", e.getBody().getDetail());
                registryReachable = false;
            }
        }
    }
}
