package dht.registry.security;

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
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may call what on the registry: reading the ring ({@code GET /nodes/**}) is open; every change
 * to it (register, ready, leave, remove) and Actuator beyond health, info and prometheus need the
 * cluster credential.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
public class RegistrySecurity {

    private static final Logger log = LoggerFactory.getLogger(RegistrySecurity.class);

    private final ProblemResponses problems = new ProblemResponses("dht-registry");

    @Bean
    BearerTokens bearerTokens(SecurityProperties properties) {
        return new BearerTokens().grant("cluster", properties.clusterToken(), ClusterSecurity.CLUSTER);
    }

    @Bean
    SecurityFilterChain registryFilterChain(HttpSecurity http, SecurityProperties properties, BearerTokens tokens) {
        ClusterSecurity cluster = new ClusterSecurity(properties.clusterToken());
        cluster.logMode(log);
        cluster.apply(http, tokens, problems).authorizeHttpRequests(requests -> requests
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
    FilterRegistrationBean<ConcurrencyLimit> registryConcurrencyLimit(SecurityProperties properties) {
        return ConcurrencyLimit.registration("registry-requests", properties.maxConcurrentRequests());
    }
}
