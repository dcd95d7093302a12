package dht.client;

import dht.client.ServerSentEvents.Event;
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
