package dht.registry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import java.util.Map;

/** The registry: assigns ring positions and tells joining nodes where to splice in. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RegistryApplication {

    public static void main(String[] args) {
        application().run(args);
    }

    /**
     * The application, reading its settings from {@code registry.yml}: a name of its own, so that the
     * registry and the node can share a classpath (as the cluster tests do) without reading each
     * other's configuration.
     */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(RegistryApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "registry"));
        return application;
    }
}
