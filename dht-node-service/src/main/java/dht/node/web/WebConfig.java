package dht.node.web;

import dht.core.RingPosition;
import org.springframework.boot.context.properties.ConfigurationPropertiesBinding;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;

@Configuration(proxyBeanMethods = false)
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
        return connector -> connector.setEncodedSolidusHandling("passthrough");
    }
}
