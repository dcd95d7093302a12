package dht.examples.cache;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.cache.annotation.CacheConfig;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prices symbols by a slow lookup (a pause standing for a call to a pricing service), cached in the
 * cache {@code quotes}: each symbol is looked up once until its entry expires or is evicted.
 */
@Service
@CacheConfig(cacheNames = "quotes")
public class QuoteService {

    private final AtomicInteger lookups = new AtomicInteger();
    private final Duration lookupTime;

    public QuoteService(@Value("${quotes.lookup-time:1s}") Duration lookupTime) {
        this.lookupTime = lookupTime;
    }

    @Cacheable
    public Quote quote(String symbol) {
        lookups.incrementAndGet();
        pauseForTheLookup();
        // a made-up price, the same for a symbol every time, between 1.00 and 1000.00
        BigDecimal price = BigDecimal.valueOf(Math.floorMod(symbol.hashCode(), 99_900) + 100L, 2).setScale(2, RoundingMode.UNNECESSARY);
        return new Quote(symbol, price, Instant.now());
    }

    @CacheEvict
    public void forget(String symbol) {
    }

    @CacheEvict(allEntries = true)
    public void forgetAll() {
    }

    /** How many lookups ran, the cache's misses. */
    public int lookups() {
        return lookups.get();
    }

    private void pauseForTheLookup() {
        try {
            Thread.sleep(lookupTime);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
