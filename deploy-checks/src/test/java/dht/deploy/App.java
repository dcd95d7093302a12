package dht.deploy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One of the two apps as it really runs, read from its own configuration file rather than written
 * down again here: the port it listens on and the Actuator paths it serves. A probe, a scrape
 * annotation or a healthcheck is checked against this.
 *
 * @param name        the Maven module
 * @param image       the image repository's last segment ({@code dht-node} for
 *                    {@code registry.example.org/dht-node:1.0})
 * @param serverPort  {@code server.port} of its configuration file
 * @param actuatorPaths every Actuator path it answers on
 */
record App(String name, String image, int serverPort, Set<String> actuatorPaths) {

    static final App REGISTRY = read("registry-service", "dht-registry",
            "registry-service/src/main/resources/registry.yml");
    static final App NODE = read("dht-node-service", "dht-node",
            "dht-node-service/src/main/resources/node.yml");

    static List<App> all() {
        return List.of(REGISTRY, NODE);
    }

    /** The app an image runs, by the last segment of its repository name, without tag or digest. */
    static Optional<App> forImage(String image) {
        if (image == null) {
            return Optional.empty();
        }
        String repository = image.split("@", 2)[0];
        int slash = repository.lastIndexOf('/');
        String last = repository.substring(slash + 1);
        int colon = last.indexOf(':');
        String name = colon < 0 ? last : last.substring(0, colon);
        return all().stream().filter(app -> app.image.equals(name)).findFirst();
    }

    /** The port the app listens on when its environment sets {@code SERVER_PORT} or not. */
    int portWith(Map<String, String> environment) {
        String port = environment.get("SERVER_PORT");
        return port == null ? serverPort : Integer.parseInt(port.trim());
    }

    boolean serves(String path) {
        return actuatorPaths.contains(path);
    }

    static App read(String name, String image, String configFile) {
        Map<String, Object> config = Yaml.load(Checkout.read(configFile), Path.of(configFile).toString());
        int port = Integer.parseInt(String.valueOf(
                Yaml.at(config, "server.port").orElseThrow(() -> new IllegalStateException(
                        configFile + " sets no server.port"))));
        if (Yaml.at(config, "management.server.port").isPresent()) {
            throw new IllegalStateException(configFile + " moves Actuator to a port of its own; teach App about it");
        }
        String base = String.valueOf(Yaml.at(config, "management.endpoints.web.base-path").orElse("/actuator"));
        TreeSet<String> paths = new TreeSet<>();
        String exposed = String.valueOf(Yaml.at(config, "management.endpoints.web.exposure.include").orElse("health"));
        for (String endpoint : Arrays.stream(exposed.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
            paths.add(base + "/" + endpoint);
        }
        if (paths.contains(base + "/health")) {
            if (Boolean.TRUE.equals(Yaml.at(config, "management.endpoint.health.probes.enabled").orElse(false))) {
                paths.add(base + "/health/liveness");
                paths.add(base + "/health/readiness");
            }
            Yaml.at(config, "management.endpoint.health.group").ifPresent(groups -> {
                if (groups instanceof Map<?, ?> map) {
                    map.keySet().forEach(group -> paths.add(base + "/health/" + group));
                }
            });
        }
        return new App(name, image, port, Collections.unmodifiableSortedSet(paths));
    }
}
