package dht.examples.cache;

import dht.client.DhtClient;
import dht.client.Value;
import dht.core.NodeRef;
import dht.testkit.TestCluster;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.RestClient;

import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application, as it runs, against a cluster of three nodes in this JVM: its quotes are
 * cached in the DHT, survive the crash of the node that owns them, and go with evict and clear.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CacheSampleAgainstAClusterTest {

    /**
     * The cluster's nodes put Spring Security on this test's classpath; the sample itself has none,
     * so that it runs here as it runs alone.
     */
    private static final String WITHOUT_SECURITY = "--spring.autoconfigure.exclude="
            + "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration,"
            + "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration,"
            + "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration,"
            + "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration,"
            + "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration";

    private TestCluster cluster;
    private ConfigurableApplicationContext sample;
    private RestClient http;
    private DhtClient dht;

    @BeforeAll
    void startClusterAndSample() {
        cluster = TestCluster.builder().nodes(3).build();
        sample = SpringApplication.run(CacheSampleApplication.class,
                "--server.port=0", "--server.address=127.0.0.1", "--spring.jmx.enabled=false",
                "--dht.client.registry-url=" + cluster.registryUrl(),
                "--quotes.lookup-time=0s",
                WITHOUT_SECURITY);
        http = RestClient.create("http://127.0.0.1:" + ((WebServerApplicationContext) sample).getWebServer().getPort());
        dht = DhtClient.builder().registry(URI.create(cluster.registryUrl())).build();
    }

    @AfterAll
    void stopSampleAndCluster() {
        if (dht != null) {
            dht.close();
        }
        if (sample != null) {
            sample.close();
        }
        if (cluster != null) {
            // a graceful leave toward the node killed above waits out its leave timeout; nothing here needs one
            cluster.indexes().forEach(cluster::kill);
            cluster.close();
        }
    }

    @Test
    void theSecondCallIsServedFromTheCache() {
        int before = lookups();

        Quote first = quote("AAPL");
        Quote second = quote("AAPL");

        assertThat(second).isEqualTo(first);
        assertThat(lookups() - before).isEqualTo(1);
    }

    @Test
    void theQuoteIsInTheDhtUnderTheCachesNamespace() {
        Quote quote = quote("MSFT");

        Value stored = dht.get(entryKey("MSFT")).orElseThrow();

        assertThat(stored.contentType()).startsWith("application/json");
        assertThat(stored.asString()).contains("\"type\":\"" + Quote.class.getName() + "\"").contains("\"symbol\":\"MSFT\"")
                .contains(quote.pricedAt().toString());
    }

    @Test
    void anEvictedQuoteIsLookedUpAgain() {
        quote("IBM");
        int before = lookups();

        assertThat(http.delete().uri("/quotes/IBM").retrieve().toBodilessEntity().getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);

        assertThat(dht.get(entryKey("IBM"))).isEmpty();
        quote("IBM");
        assertThat(lookups() - before).isEqualTo(1);
    }

    @Test
    void clearingTheCacheLeavesEveryQuoteToBeLookedUpAgain() {
        quote("ORCL");
        quote("SAP");
        long generation = generation();
        int before = lookups();

        assertThat(http.delete().uri("/quotes").retrieve().toBodilessEntity().getStatusCode()).isEqualTo(HttpStatus.NO_CONTENT);

        assertThat(generation()).isEqualTo(generation + 1);
        quote("ORCL");
        quote("SAP");
        quote("ORCL");
        assertThat(lookups() - before).isEqualTo(2);
    }

    @Test
    void theHealthOfTheDhtShowsTheNodesTheClientKnows() {
        quote("AAPL");

        Health health = http.get().uri("/actuator/health/dht").retrieve().body(Health.class);

        assertThat(health.status()).isEqualTo("UP");
        assertThat(health.details()).containsEntry("nodes", cluster.indexes().size());
    }

    /** Last: it leaves the cluster a node short. */
    @Test
    @Order(Integer.MAX_VALUE)
    void aCachedQuoteIsServedWhenTheNodeOwningItsEntryCrashes() {
        Quote cached = quote("NVDA");
        int before = lookups();
        NodeRef owner = cluster.registryRing().ownerOfKey(entryKey("NVDA"));
        int ownerIndex = cluster.indexes().stream().filter(index -> cluster.node(index).ref().equals(owner)).findFirst().orElseThrow();
        double failoversBefore = failovers();

        cluster.kill(ownerIndex);

        assertThat(quote("NVDA")).isEqualTo(cached);
        assertThat(lookups()).isEqualTo(before);
        assertThat(failovers()).as("reads the sample's client sent past the dead owner").isGreaterThan(failoversBefore);
    }

    private Quote quote(String symbol) {
        return http.get().uri("/quotes/{symbol}", symbol).retrieve().body(Quote.class);
    }

    private double failovers() {
        return sample.getBean(MeterRegistry.class).counter("dht.client.failovers", "operation", "get").count();
    }

    private int lookups() {
        return sample.getBean(QuoteService.class).lookups();
    }

    /** The cache's current generation, as its clear raises it: none yet is generation 0. */
    private long generation() {
        return dht.get("cache/quotes").map(value -> Long.parseLong(value.asString())).orElse(0L);
    }

    private String entryKey(String symbol) {
        return "cache/quotes/" + generation() + "/" + symbol;
    }

    record Health(String status, Map<String, Object> details) {
    }
}
