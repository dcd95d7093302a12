package dht.node.security;

import dht.web.BearerTokens;
import dht.web.ClusterSecurity;
import dht.web.ConcurrencyLimit;
import dht.web.ProblemResponses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationManagers;
import org.springframework.security.authorization.SingleResultAuthorizationManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

import static org.springframework.security.authorization.AuthorityAuthorizationManager.hasRole;

/**
 * Who may call what on a node. Cluster calls ({@code /internal/**}: joins, neighbor updates,
 * transfers, replication; {@code /admin/**}; Actuator beyond health, info and prometheus) need the
 * cluster credential. {@code /keys} is open unless API keys are configured: then reading needs a
 * read-only or read-write key, writing a read-write key; the cluster token may do both, since
 * nodes forward client requests to each other.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
public class NodeSecurity {

    static final String KEYS_READ = "KEYS_READ";
    static final String KEYS_WRITE = "KEYS_WRITE";

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

    @Bean
    SecurityFilterChain nodeFilterChain(HttpSecurity http, SecurityProperties properties, BearerTokens tokens) {
        ClusterSecurity cluster = new ClusterSecurity(properties.clusterToken());
        cluster.logMode(log);
        if (properties.apiKeys().enabled()) {
            log.info("/keys needs an API key: {} read-only, {} read-write", properties.apiKeys().readOnly().size(),
                    properties.apiKeys().readWrite().size());
        }
        AuthorizationManager<RequestAuthorizationContext> member = cluster.member();
        AuthorizationManager<RequestAuthorizationContext> read = keysAccess(properties, KEYS_READ, member);
        AuthorizationManager<RequestAuthorizationContext> write = keysAccess(properties, KEYS_WRITE, member);
        cluster.apply(http, tokens, problems).authorizeHttpRequests(requests -> requests
                .requestMatchers(EndpointRequest.to("health", "info", "prometheus")).permitAll()
                .requestMatchers(HttpMethod.GET, "/keys/**").access(read)
                .requestMatchers(HttpMethod.HEAD, "/keys/**").access(read)
                .requestMatchers("/keys", "/keys/**").access(write)
                .requestMatchers(ClusterSecurity.DOCUMENTATION).permitAll()
                .requestMatchers(HttpMethod.GET, "/ring/events").permitAll()
                .anyRequest().access(member));
        return http.build();
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
    WebSecurityCustomizer nodeFirewall() {
        return ClusterSecurity.firewall(problems);
    }

    @Bean
    FilterRegistrationBean<ConcurrencyLimit> nodeConcurrencyLimit(SecurityProperties properties) {
        return ConcurrencyLimit.registration("node-requests", properties.maxConcurrentRequests());
    }
}
