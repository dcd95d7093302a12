package dht.registry.observability;

import dht.registry.membership.Membership;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/** The ring's size in {@code /actuator/info} and as the {@code dht.ring.nodes} gauge. */
@Component
class RegistryInfo implements InfoContributor {

    private final Membership membership;

    RegistryInfo(Membership membership, MeterRegistry meters) {
        this.membership = membership;
        Gauge.builder("dht.ring.nodes", membership, m -> m.members().size())
                .description("Nodes linked into the ring")
                .register(meters);
    }

    @Override
    public void contribute(Info.Builder builder) {
        builder.withDetail("dht", java.util.Map.of("role", "registry", "nodes", membership.members()));
    }
}
