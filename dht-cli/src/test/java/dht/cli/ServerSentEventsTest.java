package dht.cli;

import dht.cli.ServerSentEvents.Event;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ServerSentEventsTest {

    @Test
    void readsNamedEventsWithOrWithoutASpaceAfterTheColon() throws Exception {
        assertThat(events("event:node-joined\ndata:{\"a\":1}\n\nevent: node-left\ndata: {\"b\":2}\n\n"))
                .containsExactly(new Event("node-joined", "{\"a\":1}"), new Event("node-left", "{\"b\":2}"));
    }

    @Test
    void joinsDataLinesKeepsTheIdAndSkipsCommentsAndEmptyEvents() throws Exception {
        assertThat(events(": keep-alive\n\nid: 7\nevent: x\ndata: one\ndata: two\n\nretry: 100\n\n"))
                .containsExactly(new Event("x", "one\ntwo", "7"));
    }

    @Test
    void anUnnamedEventIsAMessageAndAnUnfinishedOneIsDropped() throws Exception {
        assertThat(events("data: hi\n\nevent: cut\ndata: off")).containsExactly(new Event("message", "hi"));
    }

    @Test
    void keyEventLinesShowTypeKeyAndVersion() {
        String data = "{\"key\":\"user:42\",\"version\":\"0001931f5e2a0000-8877c799045ba648\",\"type\":\"put\"}";
        assertThat(WatchCommand.keyLine(new Event("put", data, "0001931f5e2a0000-8877c799045ba648")))
                .isEqualTo("put     user:42  0001931f5e2a0000-8877c799045ba648");
        assertThat(WatchCommand.keyLine(new Event("reset", "{\"type\":\"reset\"}"))).startsWith("reset ");
    }

    @Test
    void eventLinesShowTimeTypeNodePeerRangeAndKeys() {
        String data = "{\"type\":\"transfer-progress\",\"at\":\"2026-01-02T03:04:05.123456789Z\","
                + "\"node\":{\"id\":\"00000000000000aa\",\"address\":\"h:1\"},\"range\":{\"start\":\"00000000000000aa\","
                + "\"end\":\"00000000000000bb\"},\"keys\":120,\"peer\":{\"id\":\"00000000000000cc\",\"address\":\"h:2\"}}";
        assertThat(WatchCommand.line(new Event("transfer-progress", data))).isEqualTo(
                "2026-01-02T03:04:05.123Z  transfer-progress   00000000000000aa h:1  peer 00000000000000cc h:2"
                        + "  range [00000000000000aa, 00000000000000bb)  120 keys");
        assertThat(WatchCommand.line(new Event("odd", "not json"))).isEqualTo("odd  not json");
    }

    private static List<Event> events(String stream) throws Exception {
        ServerSentEvents events = new ServerSentEvents(new BufferedReader(new StringReader(stream)));
        List<Event> all = new ArrayList<>();
        Optional<Event> event;
        while ((event = events.next()).isPresent()) {
            all.add(event.get());
        }
        return all;
    }
}
