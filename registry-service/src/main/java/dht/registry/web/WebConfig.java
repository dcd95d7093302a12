package dht.registry.web;

import dht.core.RingPosition;
import dht.web.ProblemWebConfig;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.convert.converter.Converter;

import java.time.Clock;

@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "The cluster token (dht.security.cluster-token); without one configured the registry is in protected mode "
                + "and ignores it")
@Configuration(proxyBeanMethods = false)
@Import({ProblemWebConfig.class, RegistryApiDocumentation.class})
class WebConfig {

    /** Node IDs in paths and parameters are 16 hex digits; anything else is a 400. */
    @Bean
    Converter<String, RingPosition> ringPositionConverter() {
        return RingPosition::parse;
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
