package dht.node;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.util.Map;

/** A DHT node: stores its key range and forwards the rest toward the owner. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class NodeApplication {

    public static void main(String[] args) {
        application().run(args);
    }

    /**
     * The application, reading its settings from {@code node.yml}: a name of its own, so that the
     * registry and the node can share a classpath (as the cluster tests do) without reading each
     * other's configuration.
     */
    public static SpringApplication application() {
        SpringApplication application = new SpringApplication(NodeApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "node"));
        return application;
    }
}
