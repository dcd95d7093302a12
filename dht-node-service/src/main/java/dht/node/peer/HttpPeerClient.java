package dht.node.peer;

import dht.core.NeighborView;
import dht.core.NodeRef;
import dht.core.wire.DhtHeaders;
import dht.core.wire.DigestRequest;
import dht.core.wire.Entry;
import dht.core.wire.EntryCodec;
import dht.core.wire.Handover;
import dht.core.wire.JoinAccepted;
import dht.core.wire.JoinRequest;
import dht.core.wire.RangeDigest;
import dht.core.wire.TransferPage;
import dht.core.wire.TransferRequest;
import dht.node.config.NodeProperties;
import dht.node.security.SecurityProperties;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.util.UriComponentsBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The one HTTP implementation of {@link PeerClient}: {@code RestClient} over pooled HTTP/1.1
 * connections ({@code https://} with {@code dht.security.peer-ssl-bundle}), every call bounded by the
 * connect and request timeouts and guarded by a circuit breaker per peer; idempotent calls are
 * retried when the connection itself failed.
 */
@Component
public class HttpPeerClient implements PeerClient {

    private static final Set<String> RELAYED_HEADERS = Set.of(HttpHeaders.CONTENT_TYPE, HttpHeaders.ETAG,
            HttpHeaders.LOCATION, HttpHeaders.RETRY_AFTER, DhtHeaders.OWNER, DhtHeaders.HOPS);

    private final RestClient rest;
    private final RestClient probes;
    private final CircuitBreakerRegistry circuitBreakers;
    private final Retry retry;
    private final NodeProperties properties;
    private final String scheme;

    public HttpPeerClient(RestClient peerRestClient, RestClient probeRestClient, CircuitBreakerRegistry circuitBreakers,
                          RetryRegistry retries, NodeProperties properties, SecurityProperties security) {
        this.rest = peerRestClient;
        this.probes = probeRestClient;
        this.circuitBreakers = circuitBreakers;
        this.retry = retries.retry("peer", "peer");
        this.properties = properties;
        this.scheme = security.peerScheme();
    }

    @Override
    public ResponseEntity<byte[]> forward(NodeRef next, KeyRequest request) {
        return call(next, request.idempotent(), () -> {
            KeyOptions options = request.options();
            UriComponentsBuilder uri = base(next).pathSegment("keys", request.key().value());
            Optional.ofNullable(options.writeQuorum()).ifPresent(w -> uri.queryParam("w", w));
            Optional.ofNullable(options.readQuorum()).ifPresent(r -> uri.queryParam("r", r));
            RestClient.RequestBodySpec spec = rest.method(request.method())
                    .uri(uri.build().encode().toUri())
                    .header(DhtHeaders.HOPS, Integer.toString(request.hops()));
            Optional.ofNullable(options.ifMatch()).ifPresent(tags -> spec.header(HttpHeaders.IF_MATCH, tags));
            Optional.ofNullable(options.ifNoneMatch()).ifPresent(tags -> spec.header(HttpHeaders.IF_NONE_MATCH, tags));
            if (request.body() != null) {
                spec.contentType(MediaType.parseMediaType(request.contentType())).body(request.body());
            }
            return spec.exchange((req, response) -> {
                HttpHeaders relayed = new HttpHeaders();
                response.getHeaders().forEach((name, values) -> {
                    if (RELAYED_HEADERS.stream().anyMatch(name::equalsIgnoreCase)) {
                        relayed.addAll(name, values);
                    }
                });
                byte[] body = response.getBody().readAllBytes();
                // an empty body stays absent, so that no Content-Type is invented for a 204
                return ResponseEntity.status(response.getStatusCode()).headers(relayed).body(body.length == 0 ? null : body);
            });
        });
    }

    @Override
    public JoinAccepted join(NodeRef predecessor, JoinRequest request) {
        return call(predecessor, false, () -> rest.post().uri(uri(predecessor, "internal", "join"))
                .contentType(MediaType.APPLICATION_JSON).body(request)
                .retrieve().body(JoinAccepted.class));
    }

    @Override
    public void setPredecessor(NodeRef node, NodeRef predecessor) {
        call(node, true, () -> rest.put().uri(uri(node, "internal", "neighbors", "predecessor"))
                .contentType(MediaType.APPLICATION_JSON).body(predecessor)
                .retrieve().toBodilessEntity());
    }

    @Override
    public void handover(NodeRef predecessor, Handover handover) {
        call(predecessor, false, () -> rest.post().uri(uri(predecessor, "internal", "handover"))
                .contentType(MediaType.APPLICATION_JSON).body(handover)
                .retrieve().toBodilessEntity());
    }

    @Override
    public TransferPage pull(NodeRef source, TransferRequest request) {
        return page(source, request, "transfer");
    }

    @Override
    public TransferPage readRange(NodeRef node, TransferRequest request) {
        return page(node, request, "ranges", "read");
    }

    @Override
    public NeighborView neighbors(NodeRef node) {
        return call(node, true, () -> rest.get().uri(uri(node, "internal", "neighbors"))
                .retrieve().body(NeighborView.class));
    }

    @Override
    public RangeDigest digest(NodeRef node, DigestRequest request) {
        return call(node, true, () -> rest.post().uri(uri(node, "internal", "ranges", "digest"))
                .contentType(MediaType.APPLICATION_JSON).body(request)
                .retrieve().body(RangeDigest.class));
    }

    private TransferPage page(NodeRef node, TransferRequest request, String... path) {
        String[] segments = new String[path.length + 1];
        segments[0] = "internal";
        System.arraycopy(path, 0, segments, 1, path.length);
        return call(node, true, () -> {
            ResponseEntity<byte[]> response = rest.post().uri(uri(node, segments))
                    .contentType(MediaType.APPLICATION_JSON).body(request)
                    .accept(MediaType.parseMediaType(EntryCodec.MEDIA_TYPE))
                    .retrieve().toEntity(byte[].class);
            boolean last = Boolean.parseBoolean(response.getHeaders().getFirst(DhtHeaders.TRANSFER_LAST));
            return new TransferPage(decode(node, response.getBody()), last);
        });
    }

    @Override
    public void completeTransfer(NodeRef source, TransferRequest request) {
        call(source, true, () -> rest.post().uri(uri(source, "internal", "transfer", "complete"))
                .contentType(MediaType.APPLICATION_JSON).body(request)
                .retrieve().toBodilessEntity());
    }

    @Override
    public void replicate(NodeRef replica, List<Entry> entries) {
        call(replica, true, () -> rest.post().uri(uri(replica, "internal", "replicas"))
                .contentType(MediaType.parseMediaType(EntryCodec.MEDIA_TYPE))
                .body(EntryCodec.toBytes(entries))
                .retrieve().toBodilessEntity());
    }

    /** Probes go around the circuit breaker: they are how a dead peer is told from a slow one. */
    @Override
    public boolean isAlive(NodeRef node) {
        return answersLiveness(probes, node);
    }

    private boolean answersLiveness(RestClient client, NodeRef node) {
        try {
            return client.get().uri(uri(node, "actuator", "health", "liveness"))
                    .exchange((request, response) -> response.getStatusCode().is2xxSuccessful());
        } catch (RestClientException e) {
            return false;
        }
    }

    @Override
    public boolean isAlivePatiently(NodeRef node) {
        return answersLiveness(rest, node);
    }

    @Override
    public Optional<Entry> fetch(NodeRef source, String key) {
        return call(source, true, () -> rest.get().uri(uri(source, "internal", "entries", key))
                .accept(MediaType.parseMediaType(EntryCodec.MEDIA_TYPE))
                .exchange((req, response) -> {
                    if (response.getStatusCode().value() == 404) {
                        return Optional.<Entry>empty();
                    }
                    if (!response.getStatusCode().is2xxSuccessful()) {
                        throw HttpFailures.refusal(source, response.getStatusCode(), null);
                    }
                    return decode(source, response.getBody().readAllBytes()).stream().findFirst();
                }));
    }

    private List<Entry> decode(NodeRef source, byte[] body) {
        try {
            return EntryCodec.read(new ByteArrayInputStream(body == null ? new byte[0] : body), properties.maxValueBytesAsInt());
        } catch (IOException e) {
            throw PeerFailure.refused(source, PeerFailure.Reason.FAILED, "an unreadable entry batch (" + e.getMessage() + ")");
        }
    }

    private URI uri(NodeRef node, String... segments) {
        return base(node)
                .pathSegment(segments)
                .build()
                .encode()
                .toUri();
    }

    private UriComponentsBuilder base(NodeRef node) {
        return UriComponentsBuilder.fromUriString(scheme + "://" + node.address());
    }

    private <T> T call(NodeRef peer, boolean idempotent, Supplier<T> call) {
        CircuitBreaker breaker = circuitBreakers.circuitBreaker("peer-" + peer.address(), "peer");
        Supplier<T> guarded = CircuitBreaker.decorateSupplier(breaker, call);
        if (idempotent) {
            guarded = Retry.decorateSupplier(retry, guarded);
        }
        try {
            return guarded.get();
        } catch (CallNotPermittedException e) {
            throw PeerFailure.paused(peer, e);
        } catch (ResourceAccessException | RestClientResponseException e) {
            throw HttpFailures.of(peer, e, properties.requestTimeout());
        }
    }
}
