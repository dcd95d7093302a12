package dht.boot;

import dht.boot.cache.DhtCache;
import dht.boot.cache.DhtCacheAutoConfiguration;
import dht.boot.cache.DhtCacheManager;
import dht.boot.health.DhtHealthContributorAutoConfiguration;
import dht.boot.health.DhtHealthIndicator;
import dht.client.DhtClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Which beans the starter makes, from which properties and classes. */
class DhtClientAutoConfigurationTest {

    /** A port nothing listens on: the client is made, never used, unless a test says so. */
    private static final String REGISTRY = "dht.client.registry-url=http://127.0.0.1:9";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DhtClientAutoConfiguration.class, DhtHealthContributorAutoConfiguration.class,
                    DhtCacheAutoConfiguration.class));

    @Test
    void withoutARegistryOrNodesThereIsNoClientAndNothingBuiltOnIt() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(DhtClient.class);
            assertThat(context).doesNotHaveBean(DhtTemplate.class);
            assertThat(context).doesNotHaveBean(HealthIndicator.class);
            assertThat(context).doesNotHaveBean(CacheManager.class);
        });
    }

    @Test
    void aRegistryMakesAClientATemplateAndAHealthIndicator() {
        runner.withPropertyValues(REGISTRY).run(context -> {
            assertThat(context).hasSingleBean(DhtClient.class);
            assertThat(context).hasSingleBean(DhtTemplate.class);
            assertThat(context).hasBean("dhtHealthIndicator");
            assertThat(context.getBean(DhtTemplate.class).client()).isSameAs(context.getBean(DhtClient.class));
        });
    }

    @Test
    void nodesInsteadOfARegistryMakeAClientToo() {
        runner.withPropertyValues("dht.client.nodes=http://127.0.0.1:9,http://127.0.0.1:10")
                .run(context -> assertThat(context.getBean(DhtClientProperties.class).nodes())
                        .containsExactly(URI.create("http://127.0.0.1:9"), URI.create("http://127.0.0.1:10")));
    }

    @Test
    void nodesListedOneByOneMakeAClientToo() {
        runner.withPropertyValues("dht.client.nodes[0]=http://127.0.0.1:9").run(context -> assertThat(context).hasSingleBean(DhtClient.class));
    }

    @Test
    void propertiesAreBoundWithTheClientsDefaultsForWhatIsNotSet() {
        runner.withPropertyValues(REGISTRY, "dht.client.request-timeout=3s", "dht.client.max-attempts=5", "dht.client.bearer-token=an-api-key",
                "dht.client.cache.default-ttl=1h", "dht.client.cache.ttl.quotes=30s", "dht.client.cache.serialization=java").run(context -> {
            DhtClientProperties properties = context.getBean(DhtClientProperties.class);
            assertThat(properties.registryUrl()).isEqualTo(URI.create("http://127.0.0.1:9"));
            assertThat(properties.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(properties.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(properties.maxAttempts()).isEqualTo(5);
            assertThat(properties.failoverNodes()).isEqualTo(3);
            assertThat(properties.bearerToken()).isEqualTo("an-api-key");
            assertThat(properties.cache().ttlOf("quotes")).isEqualTo(Duration.ofSeconds(30));
            assertThat(properties.cache().ttlOf("others")).isEqualTo(Duration.ofHours(1));
            assertThat(properties.cache().serialization()).isEqualTo(DhtClientProperties.Serialization.JAVA);
            assertThat(properties.cache().keyPrefix()).isEqualTo("cache");
        });
    }

    @Test
    void theApplicationsOwnClientIsUsedAndNoneIsMade() {
        runner.withPropertyValues(REGISTRY).withUserConfiguration(OwnClient.class).run(context -> {
            assertThat(context).hasSingleBean(DhtClient.class);
            assertThat(context).hasBean("ownClient");
            assertThat(context.getBean(DhtTemplate.class).client()).isSameAs(context.getBean("ownClient"));
        });
    }

    @Test
    void theClientsMetersGoToTheApplicationsMeterRegistry() {
        runner.withPropertyValues(REGISTRY).withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
            DhtClient client = context.getBean(DhtClient.class);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            try {
                client.get("a-key");
            } catch (RuntimeException expected) {
                // no registry answers at port 9: the call fails, and its meter counts the failure
            }
            assertThat(meters.find("dht.client.requests").timer()).isNotNull();
        });
    }

    @Test
    void enabledCachingGetsADhtCacheManagerWithEachCachesTtl() {
        runner.withPropertyValues(REGISTRY, "dht.client.cache.default-ttl=10m", "dht.client.cache.ttl.quotes=30s")
                .withUserConfiguration(CachingEnabled.class).run(context -> {
                    CacheManager manager = context.getBean(CacheManager.class);
                    assertThat(manager).isInstanceOf(DhtCacheManager.class);
                    assertThat(((DhtCache) manager.getCache("quotes")).configuration().ttl()).isEqualTo(Duration.ofSeconds(30));
                    assertThat(((DhtCache) manager.getCache("prices")).configuration().ttl()).isEqualTo(Duration.ofMinutes(10));
                });
    }

    @Test
    void aZeroTtlMeansEntriesThatNeverExpire() {
        runner.withPropertyValues(REGISTRY, "dht.client.cache.default-ttl=0").withUserConfiguration(CachingEnabled.class)
                .run(context -> assertThat(((DhtCache) context.getBean(CacheManager.class).getCache("quotes")).configuration().ttl()).isNull());
    }

    @Test
    void withoutEnabledCachingThereIsNoCacheManager() {
        runner.withPropertyValues(REGISTRY).run(context -> assertThat(context).doesNotHaveBean(CacheManager.class));
    }

    @Test
    void theApplicationsOwnCacheManagerStays() {
        runner.withPropertyValues(REGISTRY).withUserConfiguration(CachingEnabled.class, OwnCacheManager.class)
                .run(context -> assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class));
    }

    @Test
    void withoutSpringBootsHealthSupportThereIsNoHealthIndicator() {
        runner.withPropertyValues(REGISTRY).withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> {
            assertThat(context).hasSingleBean(DhtClient.class);
            assertThat(context).doesNotHaveBean("dhtHealthIndicator");
        });
    }

    @Test
    void theHealthIndicatorCanBeTurnedOff() {
        runner.withPropertyValues(REGISTRY, "management.health.dht.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("dhtHealthIndicator"));
    }

    @Test
    void aClientThatCannotLearnTheRingIsDown() {
        runner.withPropertyValues(REGISTRY, "dht.client.max-attempts=1", "dht.client.connect-timeout=1s").run(context -> {
            DhtHealthIndicator health = context.getBean(DhtHealthIndicator.class);
            assertThat(health.health(true).getStatus()).isEqualTo(Status.DOWN);
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    static class CachingEnabled {
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnClient {

        @Bean(destroyMethod = "close")
        DhtClient ownClient() {
            return DhtClient.builder().registry(URI.create("http://127.0.0.1:9")).build();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnCacheManager {

        @Bean
        CacheManager cacheManager() {
            return new ConcurrentMapCacheManager();
        }
    }
}
