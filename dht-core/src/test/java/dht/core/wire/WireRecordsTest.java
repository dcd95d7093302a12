package dht.core.wire;

import dht.core.NodeRef;
import dht.core.RingPosition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WireRecordsTest {

    private static final RingPosition ID = RingPosition.parse("00c3f22a00000000");

    @Test
    void memberRefersToTheNodeAtItsIdAndAddress() {
        assertThat(new Member(ID, "h:1", MemberState.ACTIVE).ref()).isEqualTo(NodeRef.of(ID, "h:1"));
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
}
