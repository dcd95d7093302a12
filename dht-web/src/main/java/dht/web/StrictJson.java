package dht.web;

import org.springframework.http.converter.HttpMessageConverters;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Request bodies with a field no one reads are refused ({@code 400}), not half understood. Only
 * the server side is strict: the apps' own clients keep reading answers leniently, so that a record
 * that serializes a derived property can still be read back.
 */
public final class StrictJson implements WebMvcConfigurer {

    private final JsonMapper strict;

    public StrictJson(JsonMapper jsonMapper) {
        this.strict = jsonMapper.rebuild().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    }

    @Override
    public void configureMessageConverters(HttpMessageConverters.ServerBuilder builder) {
        builder.withJsonConverter(new JacksonJsonHttpMessageConverter(strict));
    }
}
