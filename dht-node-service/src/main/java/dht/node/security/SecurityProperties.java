package dht.node.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.util.List;

/**
 * Who may call the node, under {@code dht.security.*}.
 *
 * @param clusterToken          the token nodes and the registry present to each other
 *                              ({@code Authorization: Bearer}); without one the node is in protected
 *                              mode and takes cluster calls from loopback only
 * @param apiKeys               keys for the public {@code /keys} API; none (the default) leaves it open
 * @param maxConcurrentRequests requests served at once; more are answered {@code 503} with {@code Retry-After}
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
        String peerSslBundle) {

    /**
     * @param readOnly  keys that may read ({@code GET})
     * @param readWrite keys that may also write and delete
     */
    public record ApiKeys(@DefaultValue List<String> readOnly, @DefaultValue List<String> readWrite) {

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
