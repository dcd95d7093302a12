package dht.registry.web;

import dht.core.RingPosition;
import dht.web.ProblemWebConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.convert.converter.Converter;

import java.time.Clock;

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
}
