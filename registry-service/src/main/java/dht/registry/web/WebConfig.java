package dht.registry.web;

import dht.core.RingPosition;
import dht.web.ProblemWebConfig;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.convert.converter.Converter;

import java.time.Clock;

@OpenAPIDefinition(info = @Info(title = "DHT registry", description = "Assigns ring positions to joining nodes and lists the ring. "
        + "Reading the ring is open; changing it needs the cluster token."))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "The cluster token (dht.security.cluster-token); without one configured the registry is in protected mode "
                + "and ignores it")
@Configuration(proxyBeanMethods = false)
@Import(ProblemWebConfig.class)
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

    /**
     * Every operation may carry the bearer token, none must (an app without credentials configured
     * ignores it): so Swagger UI's "Authorize" sends it with each request.
     */
    @Bean
    OpenApiCustomizer optionalBearerToken() {
        return openApi -> openApi.addSecurityItem(new SecurityRequirement().addList("bearer")).addSecurityItem(new SecurityRequirement());
    }
}
