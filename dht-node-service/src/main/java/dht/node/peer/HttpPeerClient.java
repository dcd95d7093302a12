package dht.node.peer;

import dht.core.NeighborView;
import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.CopyAnswer;
import dht.core.wire.CopyAnswers;
import dht.core.wire.ChangePage;
import dht.core.wire.ChangeQuery;
import dht.core.wire.DhtHeaders;
import dht.core.wire.DigestRequest;
import dht.core.wire.Entry;
import dht.core.wire.EntryCodec;
import dht.core.wire.Handover;
import dht.core.wire.HintsHandedOver;
import dht.core.wire.JoinAccepted;
import dht.core.wire.JoinRequest;
import dht.core.wire.OwnerWrites;
import dht.core.wire.RangeDigest;
import dht.core.wire.RangeKeys;
import dht.core.wire.RangeKeysRequest;
import dht.core.wire.TransferPage;
import dht.core.wire.TransferRequest;
import dht.core.wire.Wanted;
import dht.node.config.NodeProperties;
import dht.node.security.SecurityProperties;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryRegistry;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
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
    public KeyOutcome forward(NodeRef next, KeyRequest request) {
        // the peer's answer is read inside the call, thrown outside it: a key's failure is no failure of the peer
        Answer answer = call(next, request.idempotent(), () -> {
            KeyOptions options = request.options();
            UriComponentsBuilder uri = base(next).pathSegment("keys", request.key().value());
            Optional.ofNullable(options.writeQuorum()).ifPresent(w -> uri.queryParam("w", w));
            Optional.ofNullable(options.readQuorum()).ifPresent(r -> uri.queryParam("r", r));
            Optional.ofNullable(options.ttlSeconds()).ifPresent(ttl -> uri.queryParam("ttl", ttl));
            RestClient.RequestBodySpec spec = rest.method(request.method())
                    .uri(uri.build().encode().toUri())
                    .header(DhtHeaders.HOPS, Integer.toString(request.hops()))
                    .header(DhtHeaders.TIME_LEFT, Long.toString(Math.max(0, Duration.between(Instant.now(), request.deadline()).toMillis())));
            Optional.ofNullable(options.ifMatch()).ifPresent(tags -> spec.header(HttpHeaders.IF_MATCH, tags));
            Optional.ofNullable(options.ifNoneMatch()).ifPresent(tags -> spec.header(HttpHeaders.IF_NONE_MATCH, tags));
            if (request.body() != null) {
                spec.contentType(MediaType.parseMediaType(request.contentType())).body(request.body());
            }
            return spec.exchange((req, response) -> answer(next, request, response.getStatusCode(), response.getHeaders(),
                    response.getBody().readAllBytes()));
        });
        if (answer.failure() != null) {
            throw answer.failure();
        }
        return answer.outcome();
    }

    /** A peer's answer to a forwarded key request, read back into the protocol's outcome or failure. */
    private Answer answer(NodeRef peer, KeyRequest request, HttpStatusCode status, HttpHeaders headers, byte[] body) {
        RingPosition owner = Optional.ofNullable(headers.getFirst(DhtHeaders.OWNER)).map(RingPosition::parse).orElse(null);
        int hops = Optional.ofNullable(headers.getFirst(DhtHeaders.HOPS)).map(Integer::parseInt).orElse(request.hops());
        Version version = Optional.ofNullable(headers.getETag()).map(tag -> Version.parse(tag.replace("\"", ""))).orElse(null);
        if (status.is2xxSuccessful() && version == null && request.method() != HttpMethod.DELETE) {
            return new Answer(null, PeerFailure.refused(peer, PeerFailure.Reason.FAILED, "an answer without the key's version"));
        }
        if (status.is2xxSuccessful()) {
            return new Answer(switch (request.method().name()) {
                case "GET" -> new KeyOutcome.Found(Entry.expiring(request.key().value(), body,
                        Objects.requireNonNullElse(headers.getFirst(HttpHeaders.CONTENT_TYPE), MediaType.APPLICATION_OCTET_STREAM_VALUE),
                        version, Optional.ofNullable(headers.getFirst(DhtHeaders.EXPIRES)).map(Instant::parse)), owner, hops);
                case "PUT" -> new KeyOutcome.Stored(request.key(), version, status.value() == 201, owner, hops);
                default -> new KeyOutcome.Deleted(owner, hops);
            }, null);
        }
        Problem problem = Problem.in(body);
        return HttpKeyFailures.kindOf(status, problem.title())
                .map(kind -> new Answer(null, new KeyFailure(kind, problem.detail(), owner, hops, version)))
                .orElseGet(() -> new Answer(null, HttpFailures.refusal(peer, status, problem.detail())));
    }

    /** The title and detail of a peer's problem response; neither when it answered something else. */
    private record Problem(String title, String detail) {

        private static final JsonMapper JSON = JsonMapper.builder().build();

        static Problem in(byte[] body) {
            try {
                return body.length == 0 ? new Problem(null, null) : JSON.readValue(body, Problem.class);
            } catch (JacksonException notAProblem) {
                return new Problem(null, null);
            }
        }
    }

    /** Either what a forwarded request ended in, or how it failed. */
    private record Answer(KeyOutcome outcome, RuntimeException failure) {
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
    public void goingDown(NodeRef predecessor, NodeRef successor) {
        call(predecessor, true, () -> rest.post().uri(uri(predecessor, "internal", "neighbors", "down"))
                .contentType(MediaType.APPLICATION_JSON).body(successor)
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
    public RangeKeys listKeys(NodeRef node, RangeKeysRequest request) {
        return call(node, true, () -> rest.post().uri(uri(node, "internal", "ranges", "keys"))
                .contentType(MediaType.APPLICATION_JSON).body(request)
                .retrieve().body(RangeKeys.class));
    }

    @Override
    public NeighborView neighbors(NodeRef member) {
        return call(member, true, () -> rest.get().uri(base(member).pathSegment("internal", "neighbors")
                        .queryParam("position", member.id()).build().encode().toUri())
                .retrieve().body(NeighborView.class));
    }

    @Override
    public NeighborView neighborsAtId(String address) {
        NodeRef node = NodeRef.at(address);
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
        store(replica, entries, "internal", "replicas");
    }

    @Override
    public OwnerWrites replicateToOwner(NodeRef owner, List<Entry> entries) {
        OwnerWrites answer = call(owner, true, () -> post(owner, entries, "internal", "owned")
                .accept(MediaType.APPLICATION_JSON)
                .retrieve().body(OwnerWrites.class));
        if (answer == null) {
            throw HttpFailures.refusal(owner, HttpStatusCode.valueOf(502), "The owner answered a batch of writes without a body.");
        }
        return answer;
    }

    @Override
    public void storeHints(NodeRef fallback, String target, List<Entry> entries) {
        URI uri = base(fallback).pathSegment("internal", "hints").queryParam("for", target).build().encode().toUri();
        call(fallback, true, () -> rest.post().uri(uri)
                .contentType(MediaType.parseMediaType(EntryCodec.MEDIA_TYPE))
                .body(EntryCodec.toBytes(entries))
                .retrieve().toBodilessEntity());
    }

    @Override
    public HintsHandedOver handOverHints(NodeRef holder, NodeRef replica) {
        URI uri = base(holder).pathSegment("internal", "hints", "handoff").queryParam("for", replica.address()).build().encode().toUri();
        HintsHandedOver answer = call(holder, true, () -> rest.post().uri(uri)
                .accept(MediaType.APPLICATION_JSON)
                .retrieve().body(HintsHandedOver.class));
        if (answer == null) {
            throw HttpFailures.refusal(holder, HttpStatusCode.valueOf(502), "The hints' holder answered without a body.");
        }
        return answer;
    }

    private void store(NodeRef node, List<Entry> entries, String... path) {
        call(node, true, () -> post(node, entries, path).retrieve().toBodilessEntity());
    }

    private RestClient.RequestBodySpec post(NodeRef node, List<Entry> entries, String... path) {
        return rest.post().uri(uri(node, path))
                .contentType(MediaType.parseMediaType(EntryCodec.MEDIA_TYPE))
                .body(EntryCodec.toBytes(entries));
    }

    @Override
    public ChangePage changes(NodeRef node, ChangeQuery query, Duration wait) {
        UriComponentsBuilder uri = base(node).pathSegment("internal", "changes")
                .queryParam("prefix", query.prefix())
                .queryParam("wait", wait.toMillis());
        Optional.ofNullable(query.epoch()).ifPresent(epoch -> uri.queryParam("epoch", epoch));
        Optional.ofNullable(query.after()).ifPresent(after -> uri.queryParam("after", after));
        Optional.ofNullable(query.since()).ifPresent(since -> uri.queryParam("since", since));
        return call(node, true, () -> rest.get().uri(uri.build().encode().toUri())
                .accept(MediaType.APPLICATION_JSON)
                .retrieve().body(ChangePage.class));
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
        return entry(source, "internal", "entries", key);
    }

    @Override
    public List<CopyAnswer> readCopies(NodeRef replica, List<Wanted> wanted) {
        return copyAnswers(replica, wanted, "internal", "replicas", "read");
    }

    @Override
    public List<CopyAnswer> readOwnerCopies(NodeRef owner, List<Wanted> wanted) {
        return copyAnswers(owner, wanted, "internal", "owned", "read");
    }

    private List<CopyAnswer> copyAnswers(NodeRef node, List<Wanted> wanted, String... path) {
        byte[] body = call(node, true, () -> rest.post().uri(uri(node, path))
                .contentType(MediaType.APPLICATION_JSON).body(wanted)
                .accept(MediaType.parseMediaType(CopyAnswers.MEDIA_TYPE))
                .retrieve().body(byte[].class));
        try {
            List<CopyAnswer> answers = CopyAnswers.fromBytes(body == null ? new byte[0] : body, wanted.size(), properties.maxValueBytesAsInt());
            if (answers.size() != wanted.size()) {
                throw new IOException(answers.size() + " answers for " + wanted.size() + " keys");
            }
            return answers;
        } catch (IOException e) {
            throw PeerFailure.refused(node, PeerFailure.Reason.FAILED, "unreadable copy answers (" + e.getMessage() + ")");
        }
    }

    private Optional<Entry> entry(NodeRef source, String... path) {
        return call(source, true, () -> rest.get().uri(uri(source, path))
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
