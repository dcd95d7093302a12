package dht.boot.health;

import dht.client.DhtClient;
import dht.client.DhtException;
import dht.core.NodeRef;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.util.List;

/**
 * The client's view of the ring: UP with the nodes it knows, DOWN while it knows none (it could not
 * learn the ring from the registry or the nodes it was given). It sends no request once it knows
 * the ring, so that a health check does not put load on the cluster; the client itself reads the
 * ring again when answers show it stale.
 */
public class DhtHealthIndicator extends AbstractHealthIndicator {

    private final DhtClient client;

    public DhtHealthIndicator(DhtClient client) {
        super("the client cannot learn the ring");
        this.client = client;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        List<NodeRef> nodes;
        try {
            nodes = client.knownNodes();
        } catch (DhtException e) {
            builder.down(e);
            return;
        }
        if (nodes.isEmpty()) {
            builder.down().withDetail("nodes", 0);
        } else {
            builder.up().withDetail("nodes", nodes.size());
        }
    }
}
