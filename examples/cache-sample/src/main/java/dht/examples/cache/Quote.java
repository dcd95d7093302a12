package dht.examples.cache;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A price as the lookup answered it.
 *
 * @param symbol   the instrument
 * @param price    its price
 * @param pricedAt when the lookup priced it: the same in every answer served from the cache
 */
public record Quote(String symbol, BigDecimal price, Instant pricedAt) {
}
