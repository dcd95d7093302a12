package dht.node.observability;

import dht.node.membership.LocalNode;
import dht.node.membership.NodeState;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * UP only for a full member of the ring; in the readiness group, so that a node takes traffic once
 * it has joined and received its range, and stops before it leaves. Liveness never depends on it.
 */
@Component("membership")
class MembershipHealthIndicator implements HealthIndicator {

    private final LocalNode node;

    MembershipHealthIndicator(LocalNode node) {
        this.node = node;
    }

    @Override
    public Health health() {
        NodeState state = node.state();
        Health.Builder health = state == NodeState.READY ? Health.up() : Health.outOfService();
        health.withDetail("state", state);
        node.self().ifPresent(self -> health.withDetail("id", self.id().toString()).withDetail("address", self.address()));
        return health.build();
    }
}
