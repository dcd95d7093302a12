package dht.examples.cache;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/** Price quotes that take a slow lookup, cached in the DHT for every instance of the application. */
@SpringBootApplication
@EnableCaching
public class CacheSampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(CacheSampleApplication.class, args);
    }
}
