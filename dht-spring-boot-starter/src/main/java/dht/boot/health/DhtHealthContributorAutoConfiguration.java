package dht.boot.health;

import dht.boot.DhtClientAutoConfiguration;
import dht.client.DhtClient;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** The {@code dht} health indicator, when the application has Spring Boot's health support (Actuator). */
@AutoConfiguration(after = DhtClientAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(DhtClient.class)
@ConditionalOnEnabledHealthIndicator("dht")
public class DhtHealthContributorAutoConfiguration {

    @Bean(name = "dhtHealthIndicator")
    @ConditionalOnMissingBean(name = "dhtHealthIndicator")
    public DhtHealthIndicator dhtHealthIndicator(DhtClient dhtClient) {
        return new DhtHealthIndicator(dhtClient);
    }
}
