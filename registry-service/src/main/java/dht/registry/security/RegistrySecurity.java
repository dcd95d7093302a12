package dht.registry.security;

import dht.web.BearerTokens;
import dht.web.ClusterSecurity;
import dht.web.ProblemResponses;
import dht.web.TrafficLimits;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.RequestMatcher;

import java.util.Set;

/**
 * Who may call what on the registry: reading the ring ({@code GET /nodes/**}) is open; every change
 * to it (register, ready, leave, remove) and Actuator beyond health, info and prometheus need the
 * cluster credential.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
public class RegistrySecurity {

    /** What web pages must not reach (see {@link dht.web.BrowserGuard}): every change to the ring. */
    private static final RequestMatcher RING_CHANGES = request -> request.getRequestURI().startsWith("/nodes")
            && !HttpMethod.GET.matches(request.getMethod()) && !HttpMethod.HEAD.matches(request.getMethod());

    private static final Logger log = LoggerFactory.getLogger(RegistrySecurity.class);

    private final ProblemResponses problems = new ProblemResponses("dht-registry");

    @Bean
    BearerTokens bearerTokens(SecurityProperties properties) {
        return new BearerTokens().grant("cluster", properties.clusterToken(), ClusterSecurity.CLUSTER);
    }

    @Bean
    SecurityFilterChain registryFilterChain(HttpSecurity http, SecurityProperties properties, BearerTokens tokens,
                                            Environment environment) {
        ClusterSecurity cluster = new ClusterSecurity(properties.clusterToken());
        cluster.refuseProtectedModeOnKubernetes(environment);
        cluster.logMode(log);
        cluster.apply(http, tokens, problems, RING_CHANGES, Set.copyOf(properties.allowedHosts())).authorizeHttpRequests(requests -> requests
                .requestMatchers(EndpointRequest.to("health", "info", "prometheus")).permitAll()
                .requestMatchers(HttpMethod.GET, "/nodes", "/nodes/**").permitAll()
                .requestMatchers(ClusterSecurity.DOCUMENTATION).permitAll()
                .anyRequest().access(cluster.member()));
        return http.build();
    }

    @Bean
    WebSecurityCustomizer registryFirewall() {
        return ClusterSecurity.firewall(problems);
    }

    @Bean
    FilterRegistrationBean<TrafficLimits> registryTrafficLimits(SecurityProperties properties, ObjectProvider<BulkheadRegistry> bulkheads) {
        return TrafficLimits.registration(bulkheads, "registry", properties.budgets());
    }
}
