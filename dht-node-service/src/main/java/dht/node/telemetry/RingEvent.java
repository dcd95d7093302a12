package dht.node.telemetry;

import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.KeyRange;
import dht.core.NodeRef;

import java.time.Instant;

/**
 * Something that happened to the ring as this node saw it, streamed on {@code /ring/events}.
 *
 * @param type  {@code node-joined}, {@code node-left}, {@code node-down}, {@code node-up}, {@code node-dead}
 *              (a node that restarted before it was found down: its earlier run), {@code predecessor-changed},
 *              {@code successor-changed}, {@code transfer-started}, {@code transfer-progress} or
 *              {@code transfer-finished}
 * @param node  the node the event is about: the new neighbor, or for transfers this node
 * @param peer  for transfers, the other side
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RingEvent(String type, Instant at, NodeRef node, KeyRange range, Long keys, NodeRef peer) {

    public static RingEvent about(String type, NodeRef node) {
        return new RingEvent(type, Instant.now(), node, null, null, null);
    }

    public static RingEvent transfer(String type, NodeRef self, NodeRef peer, KeyRange range, long keys) {
        return new RingEvent(type, Instant.now(), self, range, keys, peer);
    }
}
