package dht.node.observability;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/** The ring position under {@code dht} in {@code /actuator/info}. */
@Component
class RingInfoContributor implements InfoContributor {

    private final RingStatus status;

    RingInfoContributor(RingStatus status) {
        this.status = status;
    }

    @Override
    public void contribute(Info.Builder builder) {
        builder.withDetail("dht", status.snapshot());
    }
}
