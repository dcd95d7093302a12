package dht.web;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationManagers;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.StrictHttpFirewall;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.springframework.security.authorization.AuthorityAuthorizationManager.hasRole;

/**
 * The cluster credential as both apps check it. Nodes and the registry present the shared cluster
 * token ({@code dht.security.cluster-token}) as a bearer token, or a client certificate that the
 * server's SSL bundle trusts (mutual TLS). Without a token configured an app is in protected mode:
 * it takes cluster calls from loopback only.
 */
public final class ClusterSecurity {

    /** The role of a cluster member: a node or the registry. */
    public static final String CLUSTER = "CLUSTER";

    /** Open to anyone: the OpenAPI documents, Swagger UI and the error dispatch. */
    public static final String[] DOCUMENTATION = {"/v3/api-docs", "/v3/api-docs/**", "/swagger-ui.html", "/swagger-ui/**", "/error"};

    private final boolean tokenConfigured;

    public ClusterSecurity(String clusterToken) {
        this.tokenConfigured = clusterToken != null && !clusterToken.isBlank();
    }

    public boolean tokenConfigured() {
        return tokenConfigured;
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

    /**
     * Who may make cluster calls: a cluster member, and in protected mode whoever connects from
     * loopback.
     */
    public AuthorizationManager<RequestAuthorizationContext> member() {
        AuthorizationManager<RequestAuthorizationContext> member = hasRole(CLUSTER);
        if (tokenConfigured) {
            return member;
        }
        return AuthorizationManagers.anyOf(member, (authentication, context) ->
                new AuthorizationDecision(fromLoopback(context.getRequest())));
    }

    /**
     * What every filter chain of the apps shares: stateless bearer-token authentication (no
     * sessions, cookies, CSRF tokens, login forms or Basic prompts), client certificates as the
     * cluster credential, and problems for every refusal. A node with a token can so still join a
     * registry that has none and runs on its machine.
     */
    public HttpSecurity apply(HttpSecurity http, BearerTokens tokens, ProblemResponses problems) {
        if (!tokens.isEmpty()) {
            // an app that knows no token ignores Authorization headers rather than refusing them all
            http.addFilterBefore(tokens.filter(problems), BasicAuthenticationFilter.class);
        }
        return http
                .csrf(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
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
     * UTF-8 string, so a path segment may hold an encoded '/', '%', ';', '\' or '.'.
     */
    public static StrictHttpFirewall firewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowUrlEncodedSlash(true);
        firewall.setAllowUrlEncodedDoubleSlash(true);
        firewall.setAllowUrlEncodedPercent(true);
        firewall.setAllowUrlEncodedPeriod(true);
        firewall.setAllowSemicolon(true);
        firewall.setAllowBackSlash(true);
        return firewall;
    }

    private static boolean fromLoopback(HttpServletRequest request) {
        try {
            // the remote address is an IP literal: no name is looked up
            return InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
