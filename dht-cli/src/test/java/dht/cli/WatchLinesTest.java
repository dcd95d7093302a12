package dht.cli;

import dht.client.ServerSentEvents.Event;
import dht.core.Version;
import dht.core.wire.KeyChange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The lines {@code dhtctl watch} prints for ring events and for changes of keys. */
class WatchLinesTest {

    @Test
    void keyChangeLinesShowTypeKeyAndVersion() {
        KeyChange put = new KeyChange("user:42", Version.parse("0001931f5e2a0000-8877c799045ba648"), KeyChange.Type.PUT);
        assertThat(WatchCommand.keyLine(put)).isEqualTo("put     user:42  0001931f5e2a0000-8877c799045ba648");
        assertThat(WatchCommand.RESET_LINE).startsWith("reset ");
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
}
