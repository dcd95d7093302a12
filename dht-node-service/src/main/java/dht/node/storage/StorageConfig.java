package dht.node.storage;

import dht.core.HybridClock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StorageConfig {

    @Bean
    KeyValueStore keyValueStore() {
        return new InMemoryKeyValueStore();
    }

    @Bean
    KeyLocks keyLocks() {
        return new KeyLocks(1024);
    }

    @Bean
    HybridClock hybridClock() {
        return HybridClock.system();
    }
}
