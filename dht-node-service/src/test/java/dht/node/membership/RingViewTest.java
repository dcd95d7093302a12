package dht.node.membership;

import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.wire.Member;
import dht.core.wire.MemberState;
import dht.node.telemetry.RingEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ring view keeps DOWN members apart: out of the ring that routes, in the placement of copies. */
class RingViewTest {

    private static final NodeRef A = new NodeRef(RingPosition.parse("1000000000000000"), "a.example:1");
    private static final NodeRef B = new NodeRef(RingPosition.parse("5000000000000000"), "b.example:2");
    private static final NodeRef C = new NodeRef(RingPosition.parse("9000000000000000"), "c.example:3");
    private static final RingPosition C_VIRTUAL = RingPosition.parse("d000000000000000");

    private final List<RingEvent> events = new ArrayList<>();
    private final RingView view = new RingView(event -> events.add((RingEvent) event));
    private final Neighborhood self = Neighborhood.alone(A, List.of());

    @Test
    void aMemberListedDownLeavesTheRoutingRingKeepsItsPlacementAndIsAnnouncedDownThenUp() {
        view.replace(Ring.of(List.of(A, B, C)));
        events.clear();

        view.replace(Ring.of(List.of(A, B)), List.of(new Member(C.id(), C.address(), MemberState.DOWN, List.of(C_VIRTUAL), Instant.EPOCH)));

        assertThat(view.ring().nodes()).containsExactly(A, B);
        assertThat(view.isDown(C)).isTrue();
        assertThat(view.placementWith(self).positionsOf(C.id())).containsExactlyInAnyOrder(C.id(), C_VIRTUAL);
        assertThat(view.placementWith(self)).as("built once while nothing changed").isSameAs(view.placementWith(self));
        assertThat(events).extracting(RingEvent::type).containsExactly("node-down");

        events.clear();
        view.replace(Ring.of(List.of(A, B)).with(C, List.of(C_VIRTUAL)), List.of());

        assertThat(view.isDown(C)).isFalse();
        assertThat(events).extracting(RingEvent::type).contains("node-up").doesNotContain("node-left");
    }

    @Test
    void aMemberThatJoinsBackFromDownIsAnnouncedUpNotJoined() {
        view.replace(Ring.of(List.of(A, B, C)));
        view.replace(Ring.of(List.of(A, B)), List.of(new Member(C.id(), C.address(), MemberState.DOWN, List.of(), Instant.EPOCH)));
        events.clear();

        // joining back at its positions: neither DOWN nor in the ring that routes for a while
        view.replace(Ring.of(List.of(A, B)), List.of());
        view.replace(Ring.of(List.of(A, B, C)), List.of());

        assertThat(events).extracting(RingEvent::type).containsExactly("node-up");
    }

    @Test
    void aMemberFoundDownHereStaysAtItsPositionsUntilTheRegistrySaysOtherwise() {
        view.replace(Ring.of(List.of(A, B)).with(C, List.of(C_VIRTUAL)));
        events.clear();

        view.markDown(C);

        assertThat(view.ring().contains(C.id())).isFalse();
        assertThat(view.down().positionsOf(C.id())).containsExactlyInAnyOrder(C.id(), C_VIRTUAL);
        assertThat(events).extracting(RingEvent::type).containsExactly("node-down");
    }
}
