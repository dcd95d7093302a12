package dht.boot;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Whether the application names a cluster for the client: {@code dht.client.registry-url}, or
 * {@code dht.client.nodes} in any form the binder reads (a comma-separated list, indexed entries,
 * environment variables). The nodes and the registry themselves, on the same classpath in tests,
 * name none, so they get no client.
 */
class OnClientConfiguredCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Binder binder = Binder.get(context.getEnvironment());
        if (binder.bind("dht.client.registry-url", String.class).isBound()) {
            return ConditionOutcome.match("dht.client.registry-url is set");
        }
        if (binder.bind("dht.client.nodes", Bindable.listOf(String.class)).isBound()) {
            return ConditionOutcome.match("dht.client.nodes is set");
        }
        return ConditionOutcome.noMatch("neither dht.client.registry-url nor dht.client.nodes is set");
    }
}
