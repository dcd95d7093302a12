package dht.boot;

import dht.client.DhtClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;

/**
 * A {@link DhtClient} from {@code dht.client.*} once a registry or nodes are named, and a
 * {@link DhtTemplate} over whichever client the application has.
 */
@AutoConfiguration
@EnableConfigurationProperties(DhtClientProperties.class)
public class DhtClientAutoConfiguration {

    /** Closed with the application; its meters go to the application's registry, if it has one. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @Conditional(OnClientConfiguredCondition.class)
    public DhtClient dhtClient(DhtClientProperties properties, ObjectProvider<MeterRegistry> meterRegistry,
                               ObjectProvider<SslBundles> sslBundles) {
        DhtClient.Builder builder = DhtClient.builder()
                .connectTimeout(properties.connectTimeout())
                .requestTimeout(properties.requestTimeout())
                .retries(properties.maxAttempts(), properties.initialBackoff())
                .failoverNodes(properties.failoverNodes())
                .minRingRefreshInterval(properties.minRingRefreshInterval());
        if (properties.registryUrl() != null) {
            builder.registry(properties.registryUrl());
        }
        if (!properties.nodes().isEmpty()) {
            builder.nodes(properties.nodes().toArray(URI[]::new));
        }
        meterRegistry.ifAvailable(builder::meterRegistry);
        if (properties.bearerToken() != null) {
            builder.bearerToken(properties.bearerToken());
        }
        if (properties.sslBundle() != null) {
            builder.sslContext(sslBundles.getObject().getBundle(properties.sslBundle()).createSslContext());
        }
        if (properties.followRingEvents()) {
            builder.followRingEvents();
        }
        return builder.build();
    }

    /** Objects as JSON through the application's mapper (Boot's, with its modules and settings), else a plain one. */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(DhtClient.class)
    public DhtTemplate dhtTemplate(DhtClient dhtClient, ObjectProvider<JsonMapper> jsonMapper) {
        return new DhtTemplate(dhtClient, jsonMapper.getIfAvailable(JsonMapper::new));
    }
}
