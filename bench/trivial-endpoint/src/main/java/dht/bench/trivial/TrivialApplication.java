package dht.bench.trivial;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ceiling of the HTTP stack a node runs on: Spring MVC on Tomcat with virtual threads, the same
 * {@code /keys/{key}} paths, values as bytes in a map, and nothing else (no routing, no storage, no
 * Actuator). The benchmark measures a node against it.
 */
@SpringBootApplication
public class TrivialApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(TrivialApplication.class);
        application.setDefaultProperties(Map.of("spring.config.name", "trivial"));
        application.run(args);
    }

    @RestController
    static class KeysController {

        private final Map<String, byte[]> values = new ConcurrentHashMap<>();

        @GetMapping("/keys/{key}")
        ResponseEntity<byte[]> get(@PathVariable String key) {
            byte[] value = values.get(key);
            if (value == null) {
                return ResponseEntity.notFound().build();
            }
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).body(value);
        }

        @PutMapping(path = "/keys/{key}", consumes = MediaType.ALL_VALUE)
        ResponseEntity<Void> put(@PathVariable String key, @RequestBody byte[] value) {
            boolean replaced = values.put(key, value) != null;
            return ResponseEntity.status(replaced ? HttpStatus.OK : HttpStatus.CREATED).build();
        }
    }
}
