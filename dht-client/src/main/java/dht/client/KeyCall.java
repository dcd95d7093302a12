package dht.client;

import dht.core.Key;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One key request as the client sends it to whichever node it tries. */
record KeyCall(Operation operation, Key key, byte[] body, String contentType, Quorum quorum, String ifMatch, String ifNoneMatch,
               Duration ttl) {

    private static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    enum Operation {
        GET, PUT, DELETE;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static KeyCall get(Key key, Quorum readQuorum) {
        return new KeyCall(Operation.GET, key, null, null, readQuorum, null, null, null);
    }

    static KeyCall put(Key key, byte[] value, String contentType, WriteOptions options) {
        return new KeyCall(Operation.PUT, key, value, contentType == null ? DEFAULT_CONTENT_TYPE : contentType, options.quorum(), null, null,
                options.ttl());
    }

    static KeyCall putIfAbsent(Key key, byte[] value, String contentType, Quorum writeQuorum) {
        return new KeyCall(Operation.PUT, key, value, contentType == null ? DEFAULT_CONTENT_TYPE : contentType, writeQuorum, null, "*", null);
    }

    static KeyCall replace(Key key, byte[] value, String contentType, String version, Quorum writeQuorum) {
        return new KeyCall(Operation.PUT, key, value, contentType == null ? DEFAULT_CONTENT_TYPE : contentType, writeQuorum,
                quoted(version), null, null);
    }

    static KeyCall delete(Key key, Quorum writeQuorum) {
        return new KeyCall(Operation.DELETE, key, null, null, writeQuorum, null, null, null);
    }

    /** Whether the owner applies it only if the key's current value allows (compare-and-set). */
    boolean conditional() {
        return ifMatch != null || ifNoneMatch != null;
    }

    boolean writes() {
        return operation != Operation.GET;
    }

    HttpRequest request(Transport transport, URI node) {
        HttpRequest.Builder request = transport.request(node.resolve(path()));
        if (ifMatch != null) {
            request.header("If-Match", ifMatch);
        }
        if (ifNoneMatch != null) {
            request.header("If-None-Match", ifNoneMatch);
        }
        return switch (operation) {
            case GET -> request.GET().build();
            case PUT -> request.header("Content-Type", contentType).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            case DELETE -> request.DELETE().build();
        };
    }

    /** {@code /keys/{key}} with the key as one path segment ('/' as %2F), the quorum asked for and the value's ttl. */
    private String path() {
        String segment = URLEncoder.encode(key.value(), StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A");
        String quorumParameter = operation == Operation.GET ? "r" : "w";
        List<String> parameters = new ArrayList<>();
        quorum.copies().ifPresent(copies -> parameters.add(quorumParameter + "=" + copies));
        if (ttl != null) {
            parameters.add("ttl=" + ttl.toSeconds());
        }
        return "/keys/" + segment + (parameters.isEmpty() ? "" : "?" + String.join("&", parameters));
    }

    /** A version as the strong ETag a condition names: {@code "<version>"}. */
    private static String quoted(String version) {
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("a version to replace is the ETag a read or write answered, not empty");
        }
        String bare = version.startsWith("\"") && version.endsWith("\"") && version.length() >= 2 ? version.substring(1, version.length() - 1) : version;
        return "\"" + bare + "\"";
    }

    /** A version from an {@code ETag} header, without its quotes. */
    static String unquoted(String etag) {
        String tag = etag.startsWith("W/") ? etag.substring(2) : etag;
        return tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"") ? tag.substring(1, tag.length() - 1) : tag;
    }
}
