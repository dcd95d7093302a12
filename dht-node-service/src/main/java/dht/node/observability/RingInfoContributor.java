package dht.node.observability;

import dht.core.wire.RingSnapshot;
import dht.web.ClusterSecurity;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

import java.time.Duration;
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

    private RingSnapshot publicPosition() {
        long now = System.nanoTime();
        Cached current = cached.get();
        if (current != null && now - current.at() < PUBLIC_REFRESH.toNanos()) {
            return current.position();
        }
        RingSnapshot position = status.snapshot().publicView();
        cached.set(new Cached(now, position));
        return position;
    }

    private record Cached(long at, RingSnapshot position) {
    }
}
