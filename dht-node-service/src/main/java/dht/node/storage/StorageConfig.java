package dht.node.storage;

import dht.core.HybridClock;
import dht.node.config.NodeProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StorageConfig {

    @Bean
    KeyValueStore keyValueStore(NodeProperties properties) {
        return switch (properties.storage().type()) {
            case ROCKSDB -> RocksDbKeyValueStore.open(properties.dataDir(), properties.storage().syncWrites());
            case MEMORY -> new InMemoryKeyValueStore();
        };
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
