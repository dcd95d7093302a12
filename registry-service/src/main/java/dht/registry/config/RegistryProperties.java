package dht.registry.config;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * The registry's settings, under {@code dht.*}.
 *
 * @param ringChangeLease how long a node may take to finish a join or leave it started before the
 *                        registry gives up on it and lets the next change go ahead
 * @param ringChangeWait  how long a join or leave waits for the change in progress before it is
 *                        answered {@code 503} with {@code Retry-After}
 * @param downRemovalTimeout how long a member may stay DOWN before it is removed from the ring
 *                        (its range stays with its predecessors, which restore the replication
 *                        factor); 0 keeps DOWN members until they come back or an operator removes them
 */
@Validated
@ConfigurationProperties("dht")
public record RegistryProperties(
        @NotNull @DefaultValue("60s") Duration ringChangeLease,
        @NotNull @DefaultValue("2s") Duration ringChangeWait,
        @NotNull @DefaultValue("10m") Duration downRemovalTimeout) {
}
