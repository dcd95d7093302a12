package dht.registry.security;

import dht.web.ClusterSecurity;
import dht.web.TrafficLimits;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.List;

/**
 * Who may change the ring, under {@code dht.security.*}.
 *
 * @param clusterToken          the token nodes present ({@code Authorization: Bearer}) to join, report
 *                              and leave; without one the registry is in protected mode and takes
 *                              such calls from loopback only
 * @param maxConcurrentRequests client requests served at once; more are answered {@code 429} with {@code Retry-After}
 * @param maxConcurrentRequestsPerClient of these, at most so many from one client address at once
 * @param maxConcurrentClusterRequests the nodes' calls served at once, apart from clients'; more are answered {@code 503}
 * @param maxConcurrentManagementRequests Actuator requests served at once (health probes are never limited)
 * @param clientRefusalPause    how long a client over its limit waits for its {@code 429}, so that one that
 *                              asks again at once cannot keep the app busy with refusals alone
 * @param allowedHosts          in protected mode, the host names besides loopback names and IP literals
 *                              under which the ring may be changed (a name a browser was rebound to is refused)
 * @param peerSslBundle         the SSL bundle ({@code spring.ssl.bundle.*}) to probe nodes with, over HTTPS,
 *                              when they serve TLS (the nodes' own setting of that name); plain HTTP without one
 */
@Validated
@ConfigurationProperties("dht.security")
public record SecurityProperties(
        String clusterToken,
        @Min(1) @DefaultValue("256") int maxConcurrentRequests,
        @Min(1) @DefaultValue("64") int maxConcurrentRequestsPerClient,
        @Min(1) @DefaultValue("256") int maxConcurrentClusterRequests,
        @Min(1) @DefaultValue("32") int maxConcurrentManagementRequests,
        @NotNull @DefaultValue("1s") Duration clientRefusalPause,
        @NotNull @DefaultValue List<String> allowedHosts,
        String peerSslBundle) {

    public SecurityProperties {
        clusterToken = ClusterSecurity.strongToken("dht.security.cluster-token", clusterToken);
    }

    /** Whether nodes are probed over TLS, with {@link #peerSslBundle}. */
    public boolean probesNodesOverTls() {
        return peerSslBundle != null && !peerSslBundle.isBlank();
    }

    public TrafficLimits.Budgets budgets() {
        return new TrafficLimits.Budgets(maxConcurrentRequests, maxConcurrentRequestsPerClient,
                maxConcurrentClusterRequests, maxConcurrentManagementRequests, clientRefusalPause);
    }
}
