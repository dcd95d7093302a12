package dht.cli;

import dht.client.Json;
import dht.client.Problem;
import dht.core.KeyRange;
import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.wire.Member;
import dht.core.wire.MemberState;
import dht.core.wire.OwnerAnswer;
import dht.core.wire.RingListing;
import dht.core.wire.RingSnapshot;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The cluster as the command line reaches it: through the registry, or registry-free through one
 * node. Every HTTP call of {@code dhtctl} but those on keys (the Java client makes them) goes
 * through here, with the same timeout and, when one is given, the same bearer token (the cluster
 * token or an API key). Nodes are called with the scheme of the registry's URL (or of
 * {@code --node}): a cluster serves HTTPS on all its apps or on none.
 */
final class Cluster implements AutoCloseable {

    /** A ring walk stops here even if the successors never lead back. */
    private static final int MAX_WALK = 10_000;

    private final HttpClient http;
    private final Duration timeout;
    private final URI registry;
    private final URI node;
    private final String token;

    /** {@code token}, when not {@code null}, is sent as {@code Authorization: Bearer} on every call. */
    Cluster(String registryUrl, String nodeUrl, Duration timeout, String token) {
        this.registry = registryUrl == null ? null : baseUrl(registryUrl, "--registry");
        this.node = nodeUrl == null ? null : baseUrl(nodeUrl, "--node");
        this.timeout = timeout;
        this.token = token;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    /** {@code http://host:port} from a URL or a bare {@code host:port}, without a trailing slash. */
    static URI baseUrl(String text, String what) {
        String url = text.contains("://") ? text : "http://" + text;
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        try {
            URI uri = URI.create(url);
            if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw CliException.usage(what + ": '" + text + "' is not a URL like http://localhost:50000");
        }
    }

    /** The URL of the node at {@code host:port}. */
    URI urlOf(String address) {
        URI known = registry != null ? registry : node;
        return URI.create((known == null ? "http" : known.getScheme()) + "://" + address);
    }

    boolean hasRegistry() {
        return registry != null;
    }

    Optional<URI> node() {
        return Optional.ofNullable(node);
    }

    URI registry() {
        return registry;
    }

    Duration timeout() {
        return timeout;
    }

    // ---- the ring ----

    /**
     * The ring's members sorted by ID: the registry's listing, or without a registry the nodes found
     * by walking successors from {@code --node}.
     */
    List<Member> members() {
        if (registry == null) {
            return walk();
        }
        Reply reply = registryCall("GET", "/nodes");
        if (!reply.ok()) {
            throw CliException.failed("the registry answered " + reply.describe());
        }
        List<Member> members = read(reply.body(), RingListing.class, "the registry's ring").nodes();
        return members == null ? List.of() : members;
    }

    /** The registry's answer to who owns {@code key}. */
    OwnerAnswer registryOwner(String key) {
        Reply reply = registryCall("GET", "/nodes/owner?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
        if (!reply.ok()) {
            throw CliException.failed("the registry answered " + reply.describe());
        }
        return read(reply.body(), OwnerAnswer.class, "the registry's owner answer");
    }

    private static <T> T read(byte[] body, Class<T> type, String what) {
        try {
            return Json.MAPPER.readValue(body, type);
        } catch (JacksonException e) {
            throw CliException.failed(what + " is not what dhtctl understands: " + e.getOriginalMessage());
        }
    }

    Reply registryCall(String method, String path) {
        try {
            return call(method, registry.resolve(path), null, null);
        } catch (Unreachable e) {
            throw registryUnreachable(e.getMessage());
        }
    }

    /** The registry cannot be asked, for {@code reason}: what to do about it. */
    CliException registryUnreachable(String reason) {
        return CliException.unreachable("cannot reach the registry at " + registry + " (" + reason
                + "); start it, or point --registry or DHT_REGISTRY_URL at it, or use --node");
    }

    /** The nodes whose ring events to follow, in the order to try them: --node, else the live ones in random order. */
    List<URI> entryNodes() {
        if (node != null) {
            return List.of(node);
        }
        List<URI> live = new ArrayList<>();
        for (Member member : members()) {
            if (member.state() == MemberState.UP) {
                live.add(urlOf(member.address()));
            }
        }
        if (live.isEmpty()) {
            throw CliException.failed("the ring has no live node (the registry at " + registry + " lists none)");
        }
        Collections.shuffle(live);
        return live;
    }

    private List<Member> walk() {
        NodeStatus start;
        try {
            start = status(node, "/actuator/info");
        } catch (Unreachable e) {
            throw CliException.unreachable("cannot reach the node at " + node + " (" + e.getMessage() + ")");
        }
        if (start.id() == null) {
            throw CliException.failed("the node at " + node + " is " + start.state() + " and not in a ring yet");
        }
        List<Member> members = new ArrayList<>();
        Set<RingPosition> seen = new HashSet<>();
        NodeStatus current = start;
        while (current != null && seen.add(current.id()) && members.size() < MAX_WALK) {
            members.add(new Member(current.id(), current.address(), current.memberState()));
            NodeRef successor = current.successor();
            if (successor == null || seen.contains(successor.id())) {
                break;
            }
            try {
                current = status(urlOf(successor.address()), "/actuator/info");
            } catch (Unreachable e) {
                members.add(new Member(successor.id(), successor.address(), MemberState.UP));
                current = null;
            }
        }
        members.sort((a, b) -> a.id().compareTo(b.id()));
        return members;
    }

    // ---- nodes ----

    /** The node's ring position as {@code path} ({@code /actuator/info} or {@code /actuator/ring}) reports it. */
    NodeStatus status(URI nodeUrl, String path) throws Unreachable {
        Reply reply = call("GET", nodeUrl.resolve(path), null, null);
        if (!reply.ok()) {
            throw new Unreachable("its " + path + " answered " + reply.describe());
        }
        JsonNode json = Json.parseOrNull(reply.body());
        if (json == null) {
            throw new Unreachable("its " + path + " is not JSON");
        }
        try {
            return NodeStatus.from(Json.MAPPER.treeToValue(json.has("dht") ? json.path("dht") : json, RingSnapshot.class));
        } catch (JacksonException e) {
            throw new Unreachable("its " + path + " is no ring position");
        }
    }

    // ---- HTTP ----

    Reply call(String method, URI uri, byte[] body, String contentType) throws Unreachable {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        authorize(request);
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(uri, response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw Unreachable.because(e, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
    }

    /** Opens a streaming GET (no answer timeout, only the connect timeout); the caller closes the body. */
    HttpResponse<InputStream> stream(URI uri, String accept) throws Unreachable {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", accept).GET();
        authorize(request);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw Unreachable.because(e, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
    }

    private void authorize(HttpRequest.Builder request) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
    }

    @Override
    public void close() {
        http.shutdownNow();
    }

    /** An HTTP answer, read whole. */
    record Reply(URI uri, int status, java.net.http.HttpHeaders headers, byte[] body) {

        boolean ok() {
            return status >= 200 && status < 300;
        }

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        /** {@code 413 Payload Too Large: detail}, from the problem body when there is one. */
        String describe() {
            return Problem.of(body).describe(status);
        }
    }

    /** A node or registry that could not be asked: refused, timed out, or answering nonsense. */
    static final class Unreachable extends Exception {

        Unreachable(String reason) {
            super(reason, null, false, false);
        }

        static Unreachable because(IOException e, Duration timeout) {
            if (e instanceof HttpConnectTimeoutException) {
                return new Unreachable("no connection within " + Durations.format(timeout));
            }
            if (e instanceof HttpTimeoutException) {
                return new Unreachable("no answer within " + Durations.format(timeout));
            }
            if (e instanceof ConnectException) {
                return new Unreachable("connection refused");
            }
            return new Unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /**
     * A node's ring position as its Actuator reports it.
     *
     * @param keys        every entry it stores: its own range's, replica copies of its neighbors' and deletion markers
     * @param ownedKeys   the entries in the range it owns, or {@code null} when the node does not say
     * @param ownedRanges every range it owns, none while it owns none: with virtual nodes one per position
     * @param handingOver ranges it gave away and still holds keys of, each {@code {range, peer}}
     */
    record NodeStatus(RingPosition id, String address, String state, NodeRef predecessor, NodeRef successor,
                      List<KeyRange> ownedRanges, long keys, Long ownedKeys, int knownNodes, List<RingSnapshot.Transfer> receiving,
                      List<RingSnapshot.Transfer> handingOver) {

        static NodeStatus from(RingSnapshot ring) {
            return new NodeStatus(ring.id(), ring.address(), ring.state() == null ? "UNKNOWN" : ring.state(), ring.predecessor(),
                    ring.successor(), ring.ownedRanges(), ring.keys(), ring.ownedKeys(),
                    ring.knownNodes() == null ? 0 : ring.knownNodes(), ring.receivingOrNone(), ring.handingOverOrNone());
        }

        /** The range it owns that holds {@code position}, if any. */
        Optional<KeyRange> ownedRangeOf(RingPosition position) {
            return ownedRanges.stream().filter(range -> range.contains(position)).findFirst();
        }

        /** The range it owns that holds {@code position} ("1 of N ranges" with virtual nodes), else what it owns. */
        String describeOwnedAt(RingPosition position) {
            return ownedRangeOf(position).map(range -> ownedRanges.size() == 1 ? range.toString()
                    : range + " (1 of " + ownedRanges.size() + " ranges)").orElseGet(this::describeOwned);
        }

        /** What it owns, for a message: its range, its ranges, or nothing. */
        String describeOwned() {
            return ownedRanges.isEmpty() ? "nothing" : ownedRanges.size() == 1 ? ownedRanges.getFirst().toString()
                    : ownedRanges.size() + " ranges, " + ownedRanges.stream().map(KeyRange::toString).collect(Collectors.joining(", "));
        }

        MemberState memberState() {
            return switch (state) {
                case "LEAVING", "LEFT" -> MemberState.LEAVING;
                case "STARTING", "JOINING" -> MemberState.JOINING;
                default -> MemberState.UP;
            };
        }
    }
}
