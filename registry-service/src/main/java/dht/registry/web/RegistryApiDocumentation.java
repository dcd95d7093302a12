package dht.registry.web;

import dht.web.ApiDocumentation;
import org.springdoc.core.customizers.GlobalOpenApiCustomizer;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.models.GroupedOpenApi;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The registry's OpenAPI documents: {@code /v3/api-docs} with every operation, and its two groups,
 * {@code /v3/api-docs/client} (the ring, removing a node, Actuator) and {@code /v3/api-docs/internal}
 * (what nodes call as they join, live and leave).
 */
@Configuration(proxyBeanMethods = false)
class RegistryApiDocumentation {

    static final String DESCRIPTION = "Assigns ring positions to joining nodes and lists the ring. Reading the ring is open; "
            + "changing it needs the cluster token.";

    @Bean
    GlobalOpenApiCustomizer sharedDocumentation(ObjectProvider<BuildProperties> build) {
        return ApiDocumentation.shared(ApiDocumentation.info("DHT registry", DESCRIPTION, build.getIfAvailable()));
    }

    /** Not global: the default document gets the Actuator endpoints this way, the client group through its own customizer. */
    @Bean
    OpenApiCustomizer actuatorDocumentation() {
        return actuator();
    }

    @Bean
    GroupedOpenApi clientApi() {
        return ApiDocumentation.clientGroup("Client API: the ring, removing a node, Actuator", actuator());
    }

    @Bean
    GroupedOpenApi internalApi() {
        return ApiDocumentation.internalGroup("Internal API: what nodes call as they join, live and leave");
    }

    private static OpenApiCustomizer actuator() {
        return ApiDocumentation.actuator("The ring under dht (role registry, its nodes), the build and the Java runtime.",
                openApi -> {
                });
    }
}
