package dht.boot.cache;

import dht.boot.DhtClientAutoConfiguration;
import dht.boot.DhtClientProperties;
import dht.client.DhtClient;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A {@link DhtCacheManager} for an application that enables caching ({@code @EnableCaching}) and has
 * no cache manager of its own; before Spring Boot's own cache configuration, which would otherwise
 * make one in memory.
 */
@AutoConfiguration(after = DhtClientAutoConfiguration.class,
        beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass(CacheManager.class)
@ConditionalOnBean({DhtClient.class, CacheAspectSupport.class})
@ConditionalOnMissingBean(CacheManager.class)
public class DhtCacheAutoConfiguration {

    @Bean
    public DhtCacheManager cacheManager(DhtClient dhtClient, DhtClientProperties properties, ObjectProvider<CacheValueSerializer> values,
                                        ObjectProvider<CacheKeySerializer> keys, ObjectProvider<JsonMapper> jsonMapper, BeanFactory beanFactory) {
        DhtClientProperties.Cache cache = properties.cache();
        ClassLoader classLoader = DhtCacheAutoConfiguration.class.getClassLoader();
        List<String> trustedPackages = trustedPackages(cache, beanFactory);
        CacheValueSerializer serializer = values.getIfAvailable(() -> switch (cache.serialization()) {
            case JSON -> new JsonCacheValueSerializer(jsonMapper.getIfAvailable(JsonMapper::new), trustedPackages, classLoader);
            case JAVA -> new JavaCacheValueSerializer(trustedPackages, classLoader);
        });
        DhtCacheConfiguration defaults = new DhtCacheConfiguration(cache.keyPrefix(), cache.defaultTtlOrNone(), serializer,
                keys.getIfAvailable(() -> CacheKeySerializer.TO_STRING), cache.generationMaxAge(), cache.allowNullValues());
        Map<String, DhtCacheConfiguration> own = cache.ttl().keySet().stream()
                .collect(Collectors.toMap(name -> name, name -> defaults.withTtl(cache.ttlOf(name))));
        return new DhtCacheManager(dhtClient, defaults, own);
    }

    /** Those configured, and the application's own packages (where its {@code @SpringBootApplication} is). */
    private static List<String> trustedPackages(DhtClientProperties.Cache cache, BeanFactory beanFactory) {
        List<String> trusted = new ArrayList<>(cache.trustedPackages());
        if (AutoConfigurationPackages.has(beanFactory)) {
            trusted.addAll(AutoConfigurationPackages.get(beanFactory));
        }
        return trusted;
    }
}
