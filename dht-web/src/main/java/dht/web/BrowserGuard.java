package dht.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponents;
import org.springframework.web.util.UriComponentsBuilder;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Keeps web pages away from the cluster's own endpoints (joins, transfers, replication, leaves,
 * ring changes). A page in a browser on a cluster machine can send requests there: a form can
 * {@code POST}, and after DNS rebinding a script of another site talks to loopback as if it were
 * that site. So such endpoints refuse
 * <ul>
 *   <li>a request carrying an {@code Origin} other than the request's own ({@code 403}): browsers
 *       send one with every cross-site {@code POST}, and nothing else calls these endpoints with one;</li>
 *   <li>a body of a type a form or a "simple" cross-site request can send ({@code 415}): they take
 *       JSON or binary batches only;</li>
 *   <li>in protected mode, where loopback itself is the credential, a {@code Host} that names
 *       neither this machine nor a host the operator allowed ({@code 403}): a rebound name.</li>
 * </ul>
 */
public final class BrowserGuard extends OncePerRequestFilter {

    private static final Pattern IPV4 = Pattern.compile("^\\d{1,3}(\\.\\d{1,3}){3}$");
    private static final List<MediaType> ACCEPTED_BODIES = List.of(MediaType.APPLICATION_JSON,
            MediaType.valueOf("application/*+json"), MediaType.APPLICATION_OCTET_STREAM,
            MediaType.valueOf("application/vnd.dht.entries"));

    private final RequestMatcher clusterEndpoints;
    private final Set<String> allowedHosts;
    private final boolean checkHost;

    /**
     * @param clusterEndpoints the endpoints to guard
     * @param allowedHosts     host names a cluster call may address besides loopback names and IP
     *                         literals (checked in protected mode only), lower case
     * @param checkHost        whether to check {@code Host}: in protected mode, where loopback is the credential
     */
    public BrowserGuard(RequestMatcher clusterEndpoints, Set<String> allowedHosts, boolean checkHost) {
        this.clusterEndpoints = clusterEndpoints;
        this.allowedHosts = allowedHosts.stream().map(host -> host.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        this.checkHost = checkHost;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !clusterEndpoints.matches(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (checkHost && !allowedHost(request.getServerName())) {
            ProblemResponses.write(response, HttpStatus.FORBIDDEN, "Host refused",
                    "Cluster endpoints answer only to this machine's names and the hosts in dht.security.allowed-hosts.");
            return;
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin != null && !sameOrigin(origin, request)) {
            ProblemResponses.write(response, HttpStatus.FORBIDDEN, "Cross-origin request refused",
                    "Cluster endpoints take no requests from web pages of other origins.");
            return;
        }
        if (request.getContentType() != null && !acceptedBody(request.getContentType())) {
            ProblemResponses.write(response, HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
                    "Cluster endpoints take JSON or binary entry batches only.");
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean allowedHost(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") || name.contains(":") || IPV4.matcher(name).matches()) {
            return true; // an IP literal: no name to rebind
        }
        return name.equals("localhost") || name.endsWith(".localhost") || allowedHosts.contains(name);
    }

    private static boolean sameOrigin(String origin, HttpServletRequest request) {
        try {
            UriComponents claimed = UriComponentsBuilder.fromUri(URI.create(origin)).build();
            return request.getScheme().equalsIgnoreCase(claimed.getScheme())
                    && request.getServerName().equalsIgnoreCase(claimed.getHost())
                    && request.getServerPort() == port(claimed);
        } catch (IllegalArgumentException notAUri) {
            return false; // "null" from a sandboxed page or a file, or garbage
        }
    }

    private static int port(UriComponents origin) {
        if (origin.getPort() != -1) {
            return origin.getPort();
        }
        return "https".equalsIgnoreCase(origin.getScheme()) ? 443 : 80;
    }

    private static boolean acceptedBody(String contentType) {
        try {
            MediaType type = MediaType.parseMediaType(contentType);
            return ACCEPTED_BODIES.stream().anyMatch(accepted -> accepted.includes(type));
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }
}
