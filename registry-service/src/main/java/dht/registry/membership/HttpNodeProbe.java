package dht.registry.membership;

import dht.core.NodeRef;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
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

    HttpNodeProbe(RestClient.Builder builder) {
        SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(TIMEOUT);
        requests.setReadTimeout(TIMEOUT);
        this.rest = builder.requestFactory(requests).build();
    }

    @Override
    public boolean answers(NodeRef node) {
        try {
            return rest.get().uri("http://" + node.address() + "/actuator/health/liveness")
                    .exchange((request, response) -> response.getStatusCode().is2xxSuccessful());
        } catch (RestClientException unreachable) {
            return false;
        }
    }
}
