package dht.web;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Duration;

/**
 * At most so many requests at once (a resilience4j bulkhead); the next is answered {@code 503}
 * with {@code Retry-After} at once instead of holding a thread and its buffers. Health probes are
 * never counted, so that a busy app is not mistaken for a dead one.
 */
public final class ConcurrencyLimit extends OncePerRequestFilter {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final Bulkhead bulkhead;

    public ConcurrencyLimit(String name, int maxConcurrentRequests) {
        this.bulkhead = Bulkhead.of(name, BulkheadConfig.custom()
                .maxConcurrentCalls(maxConcurrentRequests)
                .maxWaitDuration(Duration.ZERO)
                .build());
    }

    /** The filter ahead of every other, Spring Security's included. */
    public static FilterRegistrationBean<ConcurrencyLimit> registration(String name, int maxConcurrentRequests) {
        FilterRegistrationBean<ConcurrencyLimit> registration =
                new FilterRegistrationBean<>(new ConcurrencyLimit(name, maxConcurrentRequests));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    public Bulkhead bulkhead() {
        return bulkhead;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getRequestURI().startsWith("/actuator/health");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!bulkhead.tryAcquirePermission()) {
            ProblemResponses.busy(response, RETRY_AFTER);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            bulkhead.onComplete();
        }
    }
}
