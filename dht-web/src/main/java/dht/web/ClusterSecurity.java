package dht.web;

import org.slf4j.Logger;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.core.env.Environment;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.AnonymousAuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.StrictHttpFirewall;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.util.matcher.RequestMatcher;

import java.util.Locale;
import java.util.Set;

import static org.springframework.security.authorization.AuthorityAuthorizationManager.hasRole;

/**
 * The cluster credential as both apps check it. Nodes and the registry present the shared cluster
 * token ({@code dht.security.cluster-token}) as a bearer token, or a client certificate that the
 * server's SSL bundle trusts (mutual TLS). Without a token configured an app is in protected mode:
 * a caller whose connection comes from loopback is a member.
 */
public final class ClusterSecurity {

    /** The role of a cluster member: a node or the registry. */
    public static final String CLUSTER = "CLUSTER";

    /** Open to anyone: the OpenAPI documents, Swagger UI and the error dispatch. */
    public static final String[] DOCUMENTATION = {"/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**", "/error"};

    /** The authority the CLUSTER role grants, as Spring Security spells it. */
    static final String MEMBER_AUTHORITY = "ROLE_" + CLUSTER;

    /** A token shorter than this can be guessed or was typed by hand. */
    public static final int MIN_TOKEN_LENGTH = 32;

    /** Placeholders this project's own files once shipped: known to everyone, so no secret. */
    private static final Set<String> PLACEHOLDERS = Set.of("change-me", "change-me-before-production", "changeme");

    private final boolean tokenConfigured;

    public ClusterSecurity(String clusterToken) {
        this.tokenConfigured = clusterToken != null && !clusterToken.isBlank();
    }

    public boolean tokenConfigured() {
        return tokenConfigured;
    }

    /**
     * The token as configured, without the whitespace around it (a token file ends with a line
     * break, which no header can carry), or null for none (protected mode). Refuses a token that is
     * no secret: a placeholder, or shorter than {@value #MIN_TOKEN_LENGTH} characters. The message
     * names the property, never the value.
     */
    public static String strongToken(String property, String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        String stripped = token.strip();
        if (PLACEHOLDERS.contains(stripped.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException(property + " is a placeholder shipped with the project, known to anyone; "
                    + "set a secret of your own, e.g. from 'openssl rand -hex 32'");
        }
        if (stripped.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException(property + " must be at least " + MIN_TOKEN_LENGTH
                    + " characters long; generate one with 'openssl rand -hex 32'");
        }
        return stripped;
    }

    /**
     * Refuses protected mode on Kubernetes: there every pod of the node's network namespace (a
     * sidecar, an injected proxy) reaches it from loopback, and Spring Boot trusts forwarded headers
     * from the cluster's private ranges. Such a deployment sets a cluster token.
     */
    public void refuseProtectedModeOnKubernetes(Environment environment) {
        if (!tokenConfigured && CloudPlatform.getActive(environment) == CloudPlatform.KUBERNETES) {
            throw new IllegalStateException("Running on Kubernetes without dht.security.cluster-token: protected mode "
                    + "trusts every caller from loopback, which sidecars and proxies in the pod are; set "
                    + "DHT_SECURITY_CLUSTER_TOKEN (the manifests take it from the dht-cluster-token Secret)");
        }
    }

    /** Says at start how cluster calls are checked, so that protected mode never goes unnoticed. */
    public void logMode(Logger log) {
        if (tokenConfigured) {
            log.info("cluster calls need the cluster token (dht.security.cluster-token) or a trusted client certificate");
        } else {
            log.warn("protected mode: no dht.security.cluster-token is set, so cluster calls are accepted from loopback "
                    + "only (or with a trusted client certificate); set a token before nodes run on several machines");
        }
    }

    /** Whether the current request's caller is a cluster member (in protected mode, whoever connects from loopback). */
    public static boolean callerIsMember() {
        Authentication caller = SecurityContextHolder.getContext().getAuthentication();
        return caller != null && caller.getAuthorities().stream().anyMatch(authority -> MEMBER_AUTHORITY.equals(authority.getAuthority()));
    }

    /** Who may make cluster calls: a cluster member (in protected mode, whoever connects from loopback). */
    public AuthorizationManager<RequestAuthorizationContext> member() {
        return hasRole(CLUSTER);
    }

    /**
     * What every filter chain of the apps shares: stateless bearer-token authentication (no
     * sessions, cookies, CSRF tokens, login forms or Basic prompts), client certificates as the
     * cluster credential, loopback callers as members in protected mode, web pages kept away from
     * {@code clusterEndpoints}, and problems for every refusal. A node with a token can so still
     * join a registry that has none and runs on its machine.
     *
     * @param allowedHosts host names cluster calls may address in protected mode besides loopback
     *                     names and IP literals (see {@link BrowserGuard})
     */
    public HttpSecurity apply(HttpSecurity http, BearerTokens tokens, ProblemResponses problems,
                              RequestMatcher clusterEndpoints, Set<String> allowedHosts) {
        http.addFilterBefore(new BrowserGuard(clusterEndpoints, allowedHosts, !tokenConfigured), BasicAuthenticationFilter.class);
        if (!tokens.isEmpty()) {
            // an app that knows no token ignores Authorization headers rather than refusing them all
            http.addFilterBefore(tokens.filter(problems), BasicAuthenticationFilter.class);
        }
        if (!tokenConfigured) {
            http.addFilterBefore(new LoopbackMembers(), AnonymousAuthenticationFilter.class);
        }
        return http
                .csrf(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                // each wrapper of the request or response is a layer every header and attribute read goes
                // through: the security headers can be written before the answer rather than by a wrapper
                // watching for its commit (the servlet API's wrapper stays: Actuator asks it who the caller is)
                .headers(headers -> headers.addObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                    @Override
                    public <F extends HeaderWriterFilter> F postProcess(F filter) {
                        filter.setShouldWriteHeadersEagerly(true);
                        return filter;
                    }
                }))
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .x509(x509 -> x509.userDetailsService(subject -> User.withUsername(subject).password("")
                        .roles(CLUSTER).build()))
                .exceptionHandling(errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems));
    }

    /** The firewall below, its rejections answered as {@code 400} problems. */
    public static WebSecurityCustomizer firewall(ProblemResponses problems) {
        return web -> web.httpFirewall(firewall()).requestRejectedHandler(problems);
    }

    /**
     * Spring Security's firewall, loosened only where the DHT's contract needs it: a key is any
     * UTF-8 string and one path segment, so a segment may hold an encoded '/', '%', ';', '\', '.'
     * and control characters (a tab, a line break). Unencoded, none of these gets in, and header
     * names and values, parameters, methods and host names are checked as before.
     */
    public static StrictHttpFirewall firewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowUrlEncodedSlash(true);
        firewall.setAllowUrlEncodedDoubleSlash(true);
        firewall.setAllowUrlEncodedPercent(true);
        firewall.setAllowUrlEncodedPeriod(true);
        firewall.setAllowSemicolon(true);
        firewall.setAllowBackSlash(true);
        firewall.setAllowUrlEncodedCarriageReturn(true);
        firewall.setAllowUrlEncodedLineFeed(true);
        firewall.setAllowUrlEncodedLineSeparator(true);
        firewall.setAllowUrlEncodedParagraphSeparator(true);
        return firewall;
    }
}
