package dht.boot;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/**
 * Whether the application names a cluster for the client: a registry or nodes. The nodes and the
 * registry themselves, on the same classpath in tests, name none, so they get no client.
 */
class OnClientConfiguredCondition extends AnyNestedCondition {

    OnClientConfiguredCondition() {
        super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnProperty(prefix = "dht.client", name = "registry-url")
    static class RegistryNamed {
    }

    @ConditionalOnProperty(prefix = "dht.client", name = "nodes")
    static class NodesNamed {
    }
}
