package dht.node.keys;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How batches ({@code POST /keys/batch}) are served, under {@code dht.batch.*}.
 *
 * @param parallelism       keys of one batch served at once
 * @param maxConcurrentKeys keys of all batches served at once on this node, so that a few large
 *                          batches cannot take every connection to the other nodes; keys beyond it
 *                          wait their turn, within their batch's deadline
 */
@Validated
@ConfigurationProperties("dht.batch")
public record BatchProperties(@Min(1) @DefaultValue("16") int parallelism, @Min(1) @DefaultValue("64") int maxConcurrentKeys) {
}
