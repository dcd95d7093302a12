package dht.cli;

import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class RingSharesTest {

    @Test
    void aRingOfOneNodeOwnsEverything() {
        Ring ring = Ring.of(node(0x1234L));
        assertThat(RingShares.of(ring)).containsExactly(Map.entry(new RingPosition(0x1234L), new BigDecimal("100.00")));
    }

    @Test
    void twoNodesHalfARingApartOwnHalfEach() {
        Ring ring = Ring.of(node(0L), node(Long.MIN_VALUE));
        assertThat(RingShares.of(ring).values()).containsExactly(new BigDecimal("50.00"), new BigDecimal("50.00"));
    }

    @Test
    void sharesWrapPastTheTopOfTheRing() {
        // 0xc0.. owns a quarter up to the top and a quarter from 0 up to 0x40..: half the ring
        Ring ring = Ring.of(node(0x4000000000000000L), node(0xc000000000000000L));
        assertThat(RingShares.of(ring)).containsEntry(new RingPosition(0xc000000000000000L), new BigDecimal("50.00"));
    }

    @Test
    void thirdsAreRoundedSoThatTheyAddUpTo100() {
        long third = Long.divideUnsigned(-1L, 3);
        Ring ring = Ring.of(node(0L), node(third), node(2 * third));
        assertThat(RingShares.of(ring).values().stream().map(BigDecimal::toPlainString))
                .containsExactlyInAnyOrder("33.34", "33.33", "33.33");
    }

    @Test
    void sharesOfRandomRingsAddUpToExactly100() {
        Random random = new Random(42);
        for (int round = 0; round < 500; round++) {
            List<NodeRef> nodes = new ArrayList<>();
            int size = 1 + random.nextInt(40);
            while (nodes.size() < size) {
                long id = random.nextLong();
                if (nodes.stream().noneMatch(node -> node.id().value() == id)) {
                    nodes.add(node(id));
                }
            }
            Map<RingPosition, BigDecimal> shares = RingShares.of(Ring.of(nodes));
            assertThat(shares).hasSize(size);
            assertThat(shares.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualByComparingTo("100.00");
            assertThat(shares.values()).allSatisfy(share -> assertThat(share.scale()).isEqualTo(2));
        }
    }

    @Test
    void anEmptyRingHasNoShares() {
        assertThat(RingShares.of(Ring.empty())).isEmpty();
    }

    private static NodeRef node(long id) {
        return new NodeRef(new RingPosition(id), "host-" + Long.toHexString(id) + ":1");
    }
}
