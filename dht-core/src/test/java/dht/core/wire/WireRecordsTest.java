package dht.core.wire;

import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class WireRecordsTest {

    private static final RingPosition ID = RingPosition.parse("00c3f22a00000000");

    @Test
    void memberRefersToTheNodeAtItsIdAndAddress() {
        assertThat(new Member(ID, "h:1", MemberState.UP).ref()).isEqualTo(NodeRef.of(ID, "h:1"));
    }

    @Test
    void registrationWithoutNeighborsIsTheFirstNodeOfTheRing() {
        Registration registration = new Registration(ID, "h:1", null, null);

        assertThat(registration.isFirst()).isTrue();
        assertThat(registration.node()).isEqualTo(NodeRef.of(ID, "h:1"));
    }

    @Test
    void registrationWithNeighborsIsNotTheFirst() {
        NodeRef other = NodeRef.at("h:2");

        assertThat(new Registration(ID, "h:1", other, other).isFirst()).isFalse();
    }

    @Test
    void registerRequestWithoutPinnedIdLeavesTheIdToTheRegistry() {
        assertThat(RegisterRequest.of("h:1")).isEqualTo(new RegisterRequest("h:1", null));
    }

    private static final Pattern ADDRESS = Pattern.compile(RegisterRequest.ADDRESS);

    @ParameterizedTest
    @ValueSource(strings = {
            "localhost:7001",
            "node-1.example.org:8080",
            "10.0.0.1:1",
            "[::1]:50000",
            "[fe80::1:2]:65535",
            "h:9",
            "h:1024",
    })
    void addressPatternAcceptsHostColonPort(String address) {
        assertThat(ADDRESS.matcher(address).matches()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "",
            "localhost",
            "localhost:",
            ":7001",
            "localhost:0",
            "localhost:07001",
            "localhost:65536",
            "localhost:99999",
            "localhost:123456",
            "local host:7001",
            "http://localhost:7001",
            "localhost:7001/",
            "::1:7001",
            "[::1]",
            "localhost:-1",
    })
    void addressPatternRejectsAnythingButHostColonPort(String address) {
        assertThat(ADDRESS.matcher(address).matches()).isFalse();
    }

    @Test
    void theNewerOfTwoCopiesIsTheOneWithTheLaterVersionWhicheverIsAbsent() {
        RingPosition writer = RingPosition.parse("00000000000000aa");
        Optional<Entry> older = Optional.of(new Entry("k", new byte[]{1}, "text/plain", new Version(1, writer)));
        Optional<Entry> newer = Optional.of(Entry.tombstone("k", new Version(2, writer)));

        assertThat(Entry.newer(older, newer)).isSameAs(newer);
        assertThat(Entry.newer(newer, older)).isSameAs(newer);
        assertThat(Entry.newer(Optional.empty(), older)).isSameAs(older);
        assertThat(Entry.newer(older, Optional.empty())).isSameAs(older);
    }
}
