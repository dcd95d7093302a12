package dht.node.observability;

import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.KeyRange;
import dht.core.NodeRef;
import dht.node.membership.NodeState;
import dht.web.ClusterSecurity;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ring position under {@code dht} in {@code /actuator/info}. Members see the whole of what
 * {@code /actuator/ring} shows. Anyone else sees the position alone (ID, neighbors, ranges, key
 * counts), and at most as fresh as {@link #PUBLIC_REFRESH}: the key counts scan the store, which an
 * anonymous caller must not be able to make the node do at will.
 */
@Component
class RingInfoContributor implements InfoContributor {

    static final Duration PUBLIC_REFRESH = Duration.ofSeconds(5);

    private final RingStatus status;
    private final AtomicReference<Cached> cached = new AtomicReference<>();

    RingInfoContributor(RingStatus status) {
        this.status = status;
    }

    @Override
    public void contribute(Info.Builder builder) {
        builder.withDetail("dht", ClusterSecurity.callerIsMember() ? status.snapshot() : publicPosition());
    }

    private PublicPosition publicPosition() {
        long now = System.nanoTime();
        Cached current = cached.get();
        if (current != null && now - current.at() < PUBLIC_REFRESH.toNanos()) {
            return current.position();
        }
        RingStatus.Snapshot snapshot = status.snapshot();
        PublicPosition position = new PublicPosition(snapshot.id(), snapshot.address(), snapshot.state(), snapshot.predecessor(),
                snapshot.successor(), snapshot.owns(), snapshot.keys(), snapshot.ownedKeys(), snapshot.positions());
        cached.set(new Cached(now, position));
        return position;
    }

    /** What anyone may know of the node's place on the ring: no transfers, peers in flight or sync state. */
    record PublicPosition(String id, String address, NodeState state, NodeRef predecessor, NodeRef successor, KeyRange owns,
                          long keys, long ownedKeys, @JsonInclude(JsonInclude.Include.NON_NULL) List<RingStatus.Position> positions) {
    }

    private record Cached(long at, PublicPosition position) {
    }
}
