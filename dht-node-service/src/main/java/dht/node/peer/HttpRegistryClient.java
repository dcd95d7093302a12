package dht.node.peer;

import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.wire.DownReport;
import dht.core.wire.RegisterRequest;
import dht.core.wire.Registration;
import dht.core.wire.RingListing;
import dht.node.config.NodeProperties;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/** The one HTTP implementation of {@link RegistryClient}: {@code RestClient} calls to the registry's {@code /nodes}. */
@Component
public class HttpRegistryClient implements RegistryClient {

    private final RestClient rest;
    private final NodeRef registry;
    private final Duration timeout;

    public HttpRegistryClient(RestClient registryRestClient, NodeProperties properties) {
        this.rest = registryRestClient;
        this.registry = new NodeRef(RingPosition.MIN, properties.registryUrl().getAuthority());
        this.timeout = properties.requestTimeout();
    }

    @Override
    public Registration register(RegisterRequest request) {
        return call(() -> rest.post().uri("/nodes").contentType(MediaType.APPLICATION_JSON).body(request)
                .retrieve().body(Registration.class));
    }

    @Override
    public RingListing ring() {
        return call(() -> rest.get().uri("/nodes").retrieve().body(RingListing.class));
    }

    @Override
    public void joined(RingPosition id) {
        call(() -> rest.post().uri("/nodes/{id}/ready", id.toString()).retrieve().toBodilessEntity());
    }

    @Override
    public void announce(NodeRef self, RingPosition pinnedId, List<RingPosition> virtualPositions) {
        call(() -> rest.put().uri("/nodes/{id}", self.id().toString()).contentType(MediaType.APPLICATION_JSON)
                .body(new RegisterRequest(self.address(), pinnedId, null, virtualPositions.isEmpty() ? null : virtualPositions))
                .retrieve().toBodilessEntity());
    }

    @Override
    public void leaving(RingPosition id) {
        call(() -> rest.post().uri("/nodes/{id}/leave", id.toString()).retrieve().toBodilessEntity());
    }

    @Override
    public void reportDown(RingPosition id, RingPosition reporter) {
        call(() -> rest.post().uri("/nodes/{id}/down", id.toString()).contentType(MediaType.APPLICATION_JSON)
                .body(new DownReport(reporter)).retrieve().toBodilessEntity());
    }

    @Override
    public void remove(RingPosition id) {
        call(() -> rest.delete().uri("/nodes/{id}", id.toString()).retrieve().toBodilessEntity());
    }

    private <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (ResourceAccessException | RestClientResponseException e) {
            throw HttpFailures.of(registry, e, timeout);
        }
    }
}
