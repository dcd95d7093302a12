package dht.web;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each kind of traffic has its own budget: a client flood is refused with {@code 429} while the
 * cluster's calls and management requests go on; one client cannot take all of the clients' budget.
 * Requests are held in flight by a chain that waits on a latch, so "at once" is exact.
 */
class TrafficLimitsTest {

    private final BulkheadRegistry registry = BulkheadRegistry.ofDefaults();
    private final TrafficLimits limits = new TrafficLimits(registry, "test", new TrafficLimits.Budgets(4, 2, 3, 1, Duration.ZERO));
    private final CountDownLatch release = new CountDownLatch(1);
    private final List<Thread> held = new ArrayList<>();

    @AfterEach
    void releaseTheHeldRequests() throws InterruptedException {
        release.countDown();
        for (Thread thread : held) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        SecurityContextHolder.clearContext();
    }

    @Test
    void oneClientGetsItsShareAndThen429WithRetryAfter() throws Exception {
        hold(client("10.0.0.1"));
        hold(client("10.0.0.1"));

        MockHttpServletResponse third = serve(client("10.0.0.1"));

        assertThat(third.getStatus()).isEqualTo(429);
        assertThat(third.getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
        assertThat(third.getContentType()).isEqualTo("application/problem+json");
        assertThat(serve(client("10.0.0.2")).getStatus()).as("another client still gets in").isEqualTo(200);
    }

    @Test
    void aClientFloodLeavesTheClustersAndManagementsBudgetsAlone() throws Exception {
        for (int i = 0; i < 4; i++) {
            hold(client("10.0.0." + (10 + i)));
        }
        assertThat(serve(client("10.0.0.99")).getStatus()).as("the clients' budget is spent").isEqualTo(429);

        assertThat(serve(member()).getStatus()).as("a cluster call").isEqualTo(200);
        assertThat(serve(request("/actuator/prometheus", "10.0.0.99")).getStatus()).as("a scrape").isEqualTo(200);
        assertThat(serve(request("/actuator/health/liveness", "10.0.0.99")).getStatus()).as("a probe").isEqualTo(200);
    }

    @Test
    void theClustersOwnBudgetIsAnswered503() throws Exception {
        for (int i = 0; i < 3; i++) {
            hold(member());
        }
        MockHttpServletResponse refused = serve(member());

        assertThat(refused.getStatus()).isEqualTo(503);
        assertThat(refused.getHeader(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
        assertThat(serve(client("10.0.0.1")).getStatus()).as("clients have their own budget").isEqualTo(200);
    }

    @Test
    void aMembersCallCountsAsTheClustersAndAnyoneElsesAsAClients() {
        MockHttpServletRequest request = client("10.0.0.1");
        assertThat(limits.classify(request)).isEqualTo(TrafficLimits.Traffic.CLIENT);
        asMember();
        assertThat(limits.classify(request)).isEqualTo(TrafficLimits.Traffic.CLUSTER);
        assertThat(limits.classify(request("/actuator/info", "10.0.0.1"))).isEqualTo(TrafficLimits.Traffic.MANAGEMENT);
    }

    @Test
    void theBudgetsAreBulkheadsOfTheAppsRegistrySoTheirMetricsAreExported() throws Exception {
        assertThat(registry.getAllBulkheads()).extracting(bulkhead -> bulkhead.getName())
                .containsExactlyInAnyOrder("test-client", "test-cluster", "test-management");
        hold(client("10.0.0.1"));
        assertThat(registry.bulkhead("test-client").getMetrics().getAvailableConcurrentCalls()).isEqualTo(3);
    }

    @Test
    void aRefusedClientWaitsTheRefusalPauseForIts429() throws Exception {
        TrafficLimits pausing = new TrafficLimits(BulkheadRegistry.ofDefaults(), "pausing",
                new TrafficLimits.Budgets(1, 1, 1, 1, Duration.ofMillis(300)));
        hold(pausing, client("10.0.0.1"));

        long start = System.nanoTime();
        MockHttpServletResponse refused = new MockHttpServletResponse();
        pausing.doFilter(client("10.0.0.1"), refused, (req, res) -> { });

        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aClientWithNothingInFlightIsForgotten() throws Exception {
        serve(client("10.0.0.1"));
        serve(client("10.0.0.2"));
        assertThat(limits.callersInFlight()).isZero();
    }

    private MockHttpServletRequest client(String address) {
        return request("/keys/k", address);
    }

    private static MockHttpServletRequest request(String path, String address) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        request.setRemoteAddr(address);
        return request;
    }

    private MockHttpServletRequest member() {
        MockHttpServletRequest request = request("/internal/replicas", "10.0.0.50");
        request.setAttribute(MEMBER, true);
        return request;
    }

    private static final String MEMBER = "test.member";

    private static void asMember() {
        SecurityContextHolder.getContext().setAuthentication(UsernamePasswordAuthenticationToken.authenticated("node", null,
                AuthorityUtils.createAuthorityList("ROLE_" + ClusterSecurity.CLUSTER)));
    }

    /** Serves {@code request} through the limits on this thread, with an answer of 200 from the chain. */
    private MockHttpServletResponse serve(MockHttpServletRequest request) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        authenticate(request);
        try {
            limits.doFilter(request, response, (req, res) -> ((MockHttpServletResponse) res).setStatus(200));
        } finally {
            SecurityContextHolder.clearContext();
        }
        return response;
    }

    /** Starts {@code request} on a thread of its own and returns once it holds its place in the budget. */
    private void hold(MockHttpServletRequest request) throws InterruptedException {
        hold(limits, request);
    }

    private void hold(TrafficLimits limits, MockHttpServletRequest request) throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        FilterChain waiting = (ServletRequest req, ServletResponse res) -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread thread = Thread.ofVirtual().start(() -> {
            authenticate(request);
            try {
                limits.doFilter(request, new MockHttpServletResponse(), waiting);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                SecurityContextHolder.clearContext();
            }
        });
        held.add(thread);
        assertThat(entered.await(10, TimeUnit.SECONDS)).as("the held request got in").isTrue();
    }

    private static void authenticate(MockHttpServletRequest request) {
        if (request.getAttribute(MEMBER) != null) {
            asMember();
        }
    }
}
