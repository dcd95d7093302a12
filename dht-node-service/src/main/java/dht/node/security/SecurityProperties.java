package dht.node.security;

import dht.web.ClusterSecurity;
import dht.web.TrafficLimits;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.List;

/**
 * Who may call the node, under {@code dht.security.*}.
 *
 * @param clusterToken          the token nodes and the registry present to each other
 *                              ({@code Authorization: Bearer}); without one the node is in protected
 *                              mode and takes cluster calls from loopback only
 * @param apiKeys               keys for the public {@code /keys} API; none (the default) leaves it open
 * @param maxConcurrentRequests client requests served at once; more are answered {@code 429} with {@code Retry-After}
 * @param maxConcurrentRequestsPerClient of these, at most so many from one client address at once
 * @param maxConcurrentClusterRequests the cluster's own calls (replication, transfers, joins,
 *                              forwarded requests) served at once, apart from clients' so that a client
 *                              flood cannot starve them; more are answered {@code 503}
 * @param maxConcurrentManagementRequests Actuator requests served at once (health probes are never limited)
 * @param clientRefusalPause    how long a client over its limit waits for its {@code 429}, so that one that
 *                              asks again at once cannot keep the app busy with refusals alone
 * @param allowedHosts          in protected mode, the host names besides loopback names and IP literals
 *                              under which cluster endpoints may be called (a name a browser was
 *                              rebound to is refused)
 * @param peerSslBundle         the SSL bundle ({@code spring.ssl.bundle.*}) to call other nodes and the
 *                              registry with: when set, nodes are called at {@code https://}, trusting
 *                              the bundle's trust material and presenting its key (mutual TLS, if the
 *                              peers ask for a client certificate); unset, nodes are called at {@code http://}
 */
@Validated
@ConfigurationProperties("dht.security")
public record SecurityProperties(
        String clusterToken,
        @Valid @NotNull @DefaultValue ApiKeys apiKeys,
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

    public TrafficLimits.Budgets budgets() {
        return new TrafficLimits.Budgets(maxConcurrentRequests, maxConcurrentRequestsPerClient,
                maxConcurrentClusterRequests, maxConcurrentManagementRequests, clientRefusalPause);
    }

    /**
     * @param readOnly  keys that may read ({@code GET})
     * @param readWrite keys that may also write and delete
     */
    public record ApiKeys(@DefaultValue List<String> readOnly, @DefaultValue List<String> readWrite) {

        /** Keys as configured, without the whitespace around them (a line break from a file). */
        public ApiKeys {
            readOnly = readOnly.stream().map(String::strip).filter(key -> !key.isEmpty()).toList();
            readWrite = readWrite.stream().map(String::strip).filter(key -> !key.isEmpty()).toList();
        }

        public boolean enabled() {
            return !readOnly.isEmpty() || !readWrite.isEmpty();
        }
    }

    public boolean hasClusterToken() {
        return clusterToken != null && !clusterToken.isBlank();
    }

    public boolean callsPeersOverTls() {
        return peerSslBundle != null && !peerSslBundle.isBlank();
    }

    /** The scheme other nodes are called at. */
    public String peerScheme() {
        return callsPeersOverTls() ? "https" : "http";
    }
}
