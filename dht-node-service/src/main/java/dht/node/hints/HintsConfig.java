package dht.node.hints;

import dht.node.config.NodeProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class HintsConfig {

    /** Beside the keys: on disk under the data dir when they are, so that hints outlive a restart too. */
    @Bean
    HintStore hintStore(NodeProperties properties) {
        long maxBytes = properties.hints().maxBytes().toBytes();
        return switch (properties.storage().type()) {
            case ROCKSDB -> HintStore.open(properties.dataDir().resolve("hints"), maxBytes);
            case MEMORY -> HintStore.inMemory(maxBytes);
        };
    }
}
