package dht.node.web;

import dht.core.RingPosition;
import dht.web.ProblemWebConfig;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.convert.converter.Converter;

@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "An API key (dht.security.api-keys) for /keys and ring events, or the cluster token "
                + "(dht.security.cluster-token) for everything; an app with none configured ignores it")
@Configuration(proxyBeanMethods = false)
@Import({ProblemWebConfig.class, NodeApiDocumentation.class})
class WebConfig {

    /** Ring positions in paths, parameters and {@code dht.node-id} are 16 hex digits; anything else is refused. */
    @Bean
    @ConfigurationPropertiesBinding
    Converter<String, RingPosition> ringPositionConverter() {
        return RingPosition::parse;
    }

    /** A key may hold '/', sent as %2F: keep it encoded so that the key stays one path segment. */
    @Bean
    TomcatConnectorCustomizer encodedSlashInKeys() {
        return connector -> {
            connector.setEncodedSolidusHandling("passthrough");
            // and '\', sent as %5C, stays in its key rather than being refused as a path separator
            connector.setEncodedReverseSolidusHandling("passthrough");
        };
    }
}
