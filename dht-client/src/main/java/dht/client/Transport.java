package dht.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every HTTP call of the client, to nodes and the registry: one JDK {@link HttpClient}, the same
 * timeouts, and the bearer token when one is configured.
 */
final class Transport implements AutoCloseable {

    private final HttpClient http;
    private final Duration requestTimeout;
    private final String bearerToken;

    Transport(HttpClient http, Duration requestTimeout, String bearerToken) {
        this.http = http;
        this.requestTimeout = requestTimeout;
        this.bearerToken = bearerToken;
    }

    /** A request to {@code uri} with the client's timeout and credential, for the caller to complete. */
    HttpRequest.Builder request(URI uri) {
        return authorized(HttpRequest.newBuilder(uri).timeout(requestTimeout));
    }

    Reply send(HttpRequest request) throws Unreachable {
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(request.uri().getAuthority(), response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw Unreachable.because(request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable(request.uri().getAuthority() + ": interrupted", true, e);
        }
    }

    /** Opens a stream such as {@code text/event-stream}: no answer timeout, for as long as the server keeps it open. */
    HttpResponse<InputStream> openStream(URI uri, String accept) throws IOException, InterruptedException {
        return openStream(uri, accept, null);
    }

    /** As {@link #openStream(URI, String)}, resumed after the event {@code lastEventId} when there is one. */
    HttpResponse<InputStream> openStream(URI uri, String accept, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder request = authorized(HttpRequest.newBuilder(uri)).header("Accept", accept).GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        return request;
    }

    @Override
    public void close() {
        http.shutdownNow();
    }

    /** An answer, read whole. */
    record Reply(String node, int status, HttpHeaders headers, byte[] body) {

        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        OptionalInt intHeader(String name) {
            try {
                return header(name).map(value -> OptionalInt.of(Integer.parseInt(value.trim()))).orElse(OptionalInt.empty());
            } catch (NumberFormatException e) {
                return OptionalInt.empty();
            }
        }

        boolean successful() {
            return status >= 200 && status < 300;
        }
    }

    /** A node or registry that gave no answer: refused, timed out, or cut off. */
    static final class Unreachable extends Exception {

        private final boolean requestMayHaveArrived;

        Unreachable(String message, boolean requestMayHaveArrived, Throwable cause) {
            super(message, cause, false, false);
            this.requestMayHaveArrived = requestMayHaveArrived;
        }

        /**
         * Whether the node may have received the request: only a connection that was never made
         * rules it out, so that only then is a conditional write safe to send to another node.
         */
        boolean requestMayHaveArrived() {
            return requestMayHaveArrived;
        }

        static Unreachable because(URI uri, IOException e) {
            String node = uri.getAuthority();
            if (e instanceof HttpConnectTimeoutException) {
                return new Unreachable(node + ": no connection in time", false, e);
            }
            if (e instanceof ConnectException) {
                return new Unreachable(node + ": connection refused", false, e);
            }
            if (e instanceof HttpTimeoutException) {
                return new Unreachable(node + ": no answer in time", true, e);
            }
            return new Unreachable(node + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), true, e);
        }
    }
}
