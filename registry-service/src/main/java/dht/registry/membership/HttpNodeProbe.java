package dht.registry.membership;

import dht.core.NodeRef;
import dht.registry.security.SecurityProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import java.time.Duration;

/**
 * Asks a node's liveness endpoint, briefly: a node that cannot be reached, does not answer within a
 * second, or reports its liveness broken (a stalled process), does not answer. Liveness, not
 * readiness: a node still joining is alive.
 */
@Component
class HttpNodeProbe implements NodeProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final RestClient rest;
    private final String scheme;

    HttpNodeProbe(RestClient.Builder builder, SecurityProperties security, SslBundles sslBundles) {
        HttpClientSettings settings = security.probesNodesOverTls()
                ? HttpClientSettings.ofSslBundle(sslBundles.getBundle(security.peerSslBundle()))
                : HttpClientSettings.defaults();
        this.scheme = security.probesNodesOverTls() ? "https" : "http";
        this.rest = builder.requestFactory(ClientHttpRequestFactoryBuilder.simple().build(settings.withTimeouts(TIMEOUT, TIMEOUT)))
                .build();
    }

    @Override
    public boolean answers(NodeRef node) {
        try {
            return rest.get().uri(scheme + "://" + node.address() + "/actuator/health/liveness")
                    .exchange((request, response) -> response.getStatusCode().is2xxSuccessful());
        } catch (RestClientException unreachable) {
            return false;
        }
    }
}
