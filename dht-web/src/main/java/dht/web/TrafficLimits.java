package dht.web;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Separate budgets of requests served at once, so that one kind of traffic cannot starve another:
 * clients, the cluster's own calls (replication, transfers, joins, forwarded requests), and
 * management (metrics, info; health probes are never counted). Each is a resilience4j bulkhead of
 * the app's {@link BulkheadRegistry}, so its fill is exported like any bulkhead's. A client beyond
 * its budget, or beyond its own share of it, is answered {@code 429} with {@code Retry-After}; the
 * other kinds {@code 503}. Runs after Spring Security, which has told a member from a client.
 */
public final class TrafficLimits extends OncePerRequestFilter {

    /** What a request counts against. */
    public enum Traffic { CLIENT, CLUSTER, MANAGEMENT }

    /**
     * @param client     client requests at once
     * @param perClient  of these, at most so many from one caller (its connection's address)
     * @param cluster    the cluster's own calls at once
     * @param management management requests at once
     * @param refusalPause how long a refused client waits for its {@code 429}: a client that ignores
     *                     {@code Retry-After} and asks again at once would otherwise keep the node busy
     *                     with refusals alone (a pause costs a sleeping virtual thread, nothing more)
     */
    public record Budgets(int client, int perClient, int cluster, int management, Duration refusalPause) {
    }

    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final Bulkhead client;
    private final Bulkhead cluster;
    private final Bulkhead management;
    private final int perClient;
    private final Duration refusalPause;
    private final ConcurrentHashMap<String, Integer> inFlightByCaller = new ConcurrentHashMap<>();

    public TrafficLimits(BulkheadRegistry registry, String app, Budgets budgets) {
        this.client = bulkhead(registry, app + "-client", budgets.client());
        this.cluster = bulkhead(registry, app + "-cluster", budgets.cluster());
        this.management = bulkhead(registry, app + "-management", budgets.management());
        this.perClient = budgets.perClient();
        this.refusalPause = budgets.refusalPause();
    }

    /**
     * The app's limits, registered right after Spring Security's filter chain, their bulkheads in the
     * app's registry (resilience4j's auto-configuration exports its bulkheads' metrics).
     */
    public static FilterRegistrationBean<TrafficLimits> registration(ObjectProvider<BulkheadRegistry> bulkheads, String app,
                                                                     Budgets budgets) {
        TrafficLimits limits = new TrafficLimits(bulkheads.getIfAvailable(BulkheadRegistry::ofDefaults), app, budgets);
        FilterRegistrationBean<TrafficLimits> registration = new FilterRegistrationBean<>(limits);
        registration.setOrder(SecurityFilterProperties.DEFAULT_FILTER_ORDER + 1);
        return registration;
    }

    private static Bulkhead bulkhead(BulkheadRegistry registry, String name, int maxConcurrentCalls) {
        return registry.bulkhead(name, BulkheadConfig.custom()
                .maxConcurrentCalls(maxConcurrentCalls)
                .maxWaitDuration(Duration.ZERO)
                .build());
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getRequestURI().startsWith("/actuator/health");
    }

    /**
     * What {@code request} counts against: a member's call is the cluster's (a request another node
     * forwards included; in protected mode, any caller on loopback), anyone else's a client's.
     */
    public Traffic classify(HttpServletRequest request) {
        if (request.getRequestURI().startsWith("/actuator/")) {
            return Traffic.MANAGEMENT;
        }
        return ClusterSecurity.callerIsMember() ? Traffic.CLUSTER : Traffic.CLIENT;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Traffic traffic = classify(request);
        if (traffic == Traffic.CLIENT) {
            serveClient(request, response, chain);
            return;
        }
        Bulkhead budget = traffic == Traffic.CLUSTER ? cluster : management;
        if (!budget.tryAcquirePermission()) {
            ProblemResponses.busy(response, RETRY_AFTER);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            budget.onComplete();
        }
    }

    private void serveClient(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String caller = SocketPeer.address(request);
        boolean withinShare = inFlightByCaller.merge(caller, 1, Integer::sum) <= perClient;
        try {
            if (!withinShare || !client.tryAcquirePermission()) {
                pause();
                ProblemResponses.tooManyRequests(response, RETRY_AFTER);
                return;
            }
            try {
                chain.doFilter(request, response);
            } finally {
                client.onComplete();
            }
        } finally {
            // a caller with nothing in flight is forgotten
            inFlightByCaller.computeIfPresent(caller, (any, inFlight) -> inFlight == 1 ? null : inFlight - 1);
        }
    }

    /** Holds a refusal back for the refusal pause, still counted against its caller's share. */
    private void pause() {
        if (refusalPause.isZero()) {
            return;
        }
        try {
            Thread.sleep(refusalPause);
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
    }

    /** Callers with requests in flight, for tests. */
    int callersInFlight() {
        return inFlightByCaller.size();
    }
}
