package dht.node.watch;

import dht.node.storage.KeyValueStore;
import dht.node.time.NodeScheduler;
import dht.node.web.EventStreams;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.security.SecureRandom;
import java.util.Map;

@Configuration(proxyBeanMethods = false)
class WatchConfig {

    @Bean
    EventStreams<WatchEvent> watchStreams(WatchProperties properties) {
        return new EventStreams<>("watches on keys", "dht.watch.max-subscribers", properties.limits(), WatchConfig::event,
                () -> SseEmitter.event().name("dropped").data(Map.of("type", "dropped"), MediaType.APPLICATION_JSON));
    }

    /** A change named by its type, with its version as the event's ID, for Last-Event-ID. */
    private static SseEmitter.SseEventBuilder event(WatchEvent event) {
        if (event.isReset()) {
            return SseEmitter.event().name(WatchEvent.RESET).data(Map.of("type", WatchEvent.RESET), MediaType.APPLICATION_JSON);
        }
        return SseEmitter.event().name(event.type()).id(event.change().version().toString())
                .data(event.change(), MediaType.APPLICATION_JSON);
    }

    /** A random epoch: a restarted node's log is another log, whatever its clock says. */
    @Bean
    ChangeLog changeLog(WatchProperties properties, NodeScheduler scheduler, KeyValueStore store) {
        return new ChangeLog(properties.logSize(), properties.logAge(), scheduler, new SecureRandom().nextLong(), store.size() > 0);
    }
}
