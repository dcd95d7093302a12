package dht.node.security;

import dht.web.BearerTokens;
import dht.web.ClusterSecurity;
import dht.web.ProblemResponses;
import dht.web.TrafficLimits;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationManagers;
import org.springframework.security.authorization.SingleResultAuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.util.matcher.RequestMatcher;

import java.util.HashSet;
import java.util.Set;

import static org.springframework.security.authorization.AuthorityAuthorizationManager.hasRole;

/**
 * Who may call what on a node. Cluster calls ({@code /internal/**}: joins, neighbor updates,
 * transfers, replication; {@code /admin/**}; Actuator beyond health, info and prometheus) need the
 * cluster credential. {@code /keys} is open unless API keys are configured: then reading needs a
 * read-only or read-write key, writing a read-write key (a batch that writes too, see
 * {@link KeyWriteAccess}); the cluster token may do both, since
 * nodes forward client requests to each other. {@code /ring/events} is open too unless a token or
 * API keys are configured: then any of them. Requests count against the client, cluster or
 * management budget of {@link TrafficLimits}, after authentication has told which they are.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
public class NodeSecurity {

    static final String KEYS_READ = "KEYS_READ";
    static final String KEYS_WRITE = "KEYS_WRITE";

    /** What web pages must not reach (see {@link dht.web.BrowserGuard}). */
    private static final RequestMatcher CLUSTER_ENDPOINTS = request -> {
        String path = request.getRequestURI();
        return path.startsWith("/internal/") || path.startsWith("/admin/");
    };

    private static final Logger log = LoggerFactory.getLogger(NodeSecurity.class);

    private final ProblemResponses problems = new ProblemResponses("dht-node");

    @Bean
    BearerTokens bearerTokens(SecurityProperties properties) {
        BearerTokens tokens = new BearerTokens()
                .grant("cluster", properties.clusterToken(), ClusterSecurity.CLUSTER, KEYS_READ, KEYS_WRITE);
        properties.apiKeys().readWrite().forEach(key -> tokens.grant("api-key", key, KEYS_READ, KEYS_WRITE));
        properties.apiKeys().readOnly().forEach(key -> tokens.grant("api-key", key, KEYS_READ));
        return tokens;
    }

    /** Who may write keys: the filter chain's rule for writes, which a batch that writes asks as well. */
    @Bean
    KeyWriteAccess keyWriteAccess(SecurityProperties properties) {
        return new KeyWriteAccess(keysAccess(properties, KEYS_WRITE, new ClusterSecurity(properties.clusterToken()).member()));
    }

    @Bean
    SecurityFilterChain nodeFilterChain(HttpSecurity http, SecurityProperties properties, BearerTokens tokens,
                                        KeyWriteAccess keyWriteAccess, Environment environment,
                                        @Value("${dht.advertised-address:}") String advertisedAddress) {
        ClusterSecurity cluster = new ClusterSecurity(properties.clusterToken());
        cluster.refuseProtectedModeOnKubernetes(environment);
        cluster.logMode(log);
        if (properties.apiKeys().enabled()) {
            log.info("/keys needs an API key: {} read-only, {} read-write", properties.apiKeys().readOnly().size(),
                    properties.apiKeys().readWrite().size());
        }
        AuthorizationManager<RequestAuthorizationContext> member = cluster.member();
        AuthorizationManager<RequestAuthorizationContext> read = keysAccess(properties, KEYS_READ, member);
        AuthorizationManager<RequestAuthorizationContext> write = keyWriteAccess.rule();
        // with a token or API keys, ring events are for callers who may at least read keys
        AuthorizationManager<RequestAuthorizationContext> events = properties.hasClusterToken() || properties.apiKeys().enabled()
                ? AuthorizationManagers.anyOf(hasRole(KEYS_READ), member)
                : SingleResultAuthorizationManager.permitAll();
        cluster.apply(http, tokens, problems, CLUSTER_ENDPOINTS, allowedHosts(properties, advertisedAddress))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(EndpointRequest.to("health", "info", "prometheus")).permitAll()
                        .requestMatchers(HttpMethod.GET, "/keys", "/keys/**").access(read)
                        .requestMatchers(HttpMethod.HEAD, "/keys/**").access(read)
                        // a batch that writes is held to the write rule once its body is read (KeyWriteAccess)
                        .requestMatchers(HttpMethod.POST, "/keys/batch").access(read)
                        .requestMatchers("/keys", "/keys/**").access(write)
                        .requestMatchers(ClusterSecurity.DOCUMENTATION).permitAll()
                        .requestMatchers(HttpMethod.GET, "/ring/events").access(events)
                        .anyRequest().access(member));
        return http.build();
    }

    /** The node's own advertised host and those the operator allowed. */
    private static Set<String> allowedHosts(SecurityProperties properties, String advertisedAddress) {
        Set<String> hosts = new HashSet<>(properties.allowedHosts());
        int port = advertisedAddress.lastIndexOf(':');
        if (port > 0) {
            hosts.add(advertisedAddress.substring(0, port).replace("[", "").replace("]", ""));
        }
        return hosts;
    }

    private static AuthorizationManager<RequestAuthorizationContext> keysAccess(SecurityProperties properties, String role,
                                                                               AuthorizationManager<RequestAuthorizationContext> member) {
        return properties.apiKeys().enabled()
                ? AuthorizationManagers.anyOf(hasRole(role), member)
                : SingleResultAuthorizationManager.permitAll();
    }

    /**
     * No observation of the security filters, authentications or authorizations: on the hot path
     * the decorator that observes each filter cost more than some of the filters themselves.
     * Requests are still timed as a whole ({@code http.server.requests}).
     */
    @Bean
    SecurityObservationSettings securityObservations() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    FilterRegistrationBean<TrafficLimits> nodeTrafficLimits(SecurityProperties properties, ObjectProvider<BulkheadRegistry> bulkheads) {
        return TrafficLimits.registration(bulkheads, "node", properties.budgets());
    }

    @Bean
    WebSecurityCustomizer nodeFirewall() {
        return ClusterSecurity.firewall(problems);
    }
}
