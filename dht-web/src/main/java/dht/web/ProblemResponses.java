package dht.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * RFC 9457 problems for what is refused before Spring MVC sees the request: a missing or wrong
 * credential ({@code 401}), a credential without the right ({@code 403}), a request the firewall
 * rejects ({@code 400}), a client over its limit ({@code 429}) and cluster traffic over its own ({@code 503}). The bodies hold fixed
 * texts only: never the credential, the request or an exception's message.
 */
public final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

    private final String realm;

    /** @param realm names the app in {@code WWW-Authenticate} */
    public ProblemResponses(String realm) {
        this.realm = realm;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e) throws IOException {
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"" + realm + "\"");
        write(response, HttpStatus.UNAUTHORIZED, "Unauthorized",
                "This request needs a valid credential: Authorization: Bearer with the cluster token or an API key.");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e) throws IOException {
        write(response, HttpStatus.FORBIDDEN, "Forbidden", "The credential does not allow this request.");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException e) throws IOException {
        write(response, HttpStatus.BAD_REQUEST, "Bad request", "The request's URL, headers or parameters are not accepted.");
    }

    /** A {@code 503} asking the client to come back after {@code retryAfter}. */
    public static void busy(HttpServletResponse response, Duration retryAfter) throws IOException {
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
        write(response, HttpStatus.SERVICE_UNAVAILABLE, "Busy", "Too many requests at once; retry after Retry-After seconds.");
    }

    /** A {@code 429}: this client asks for more at once than its share; back after {@code retryAfter}. */
    public static void tooManyRequests(HttpServletResponse response, Duration retryAfter) throws IOException {
        response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, retryAfter.toSeconds())));
        write(response, HttpStatus.TOO_MANY_REQUESTS, "Too many requests",
                "This client has too many requests under way; retry after Retry-After seconds.");
    }

    /** Writes a problem body; {@code title} and {@code detail} must be fixed texts, not request data. */
    public static void write(HttpServletResponse response, HttpStatus status, String title, String detail) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        byte[] body = ("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status.value()
                + ",\"detail\":\"" + detail + "\"}").getBytes(StandardCharsets.UTF_8);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
