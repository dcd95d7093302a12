package dht.node.observability;

import dht.node.membership.LocalNode;
import dht.node.telemetry.RingEvent;
import dht.node.web.EventStreams;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Instant;

@Configuration(proxyBeanMethods = false)
class EventStreamsConfig {

    @Bean
    EventStreams<RingEvent> ringEventStreams(EventsProperties properties, LocalNode node) {
        return new EventStreams<>("ring-event streams", "dht.events.max-subscribers", properties.limits(), RingEventStream::event,
                () -> RingEventStream.event(new RingEvent("dropped", Instant.now(), node.self().orElse(null), null, null, null)));
    }
}
