package dht.registry.security;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Who may change the ring, under {@code dht.security.*}.
 *
 * @param clusterToken          the token nodes present ({@code Authorization: Bearer}) to join, report
 *                              and leave; without one the registry is in protected mode and takes
 *                              such calls from loopback only
 * @param maxConcurrentRequests requests served at once; more are answered {@code 503} with {@code Retry-After}
 */
@Validated
@ConfigurationProperties("dht.security")
public record SecurityProperties(String clusterToken, @Min(1) @DefaultValue("256") int maxConcurrentRequests) {
}
