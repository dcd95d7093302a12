package dht.core.listing;

import dht.core.KeyRange;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingArbitraries;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.ListedKey;
import dht.core.wire.StoreCursor;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Listing the ring page by page yields every live key with the prefix once, in ring order, whatever
 * the ring is and however it changes between pages (rings of one and two nodes, virtual positions,
 * positions at both ends of the ring), with replicas that hold older copies, tombstones and
 * nothing at all, and that stop after a few entries; pages that stop after a few reads of spans.
 */
class KeyListingProperties {

    private static final String PREFIX = "in/";

    @Provide
    Arbitrary<Ring> rings() {
        return Arbitraries.oneOf(
                RingArbitraries.rings(1, 2),
                RingArbitraries.rings(1, 5),
                RingArbitraries.positions().list().ofMinSize(1).ofMaxSize(8).uniqueElements()
                        .map(positions -> Ring.empty().with(RingArbitraries.node(positions.getFirst()), positions)),
                Arbitraries.integers().between(1, 4).flatMap(nodes -> RingArbitraries.positions().list()
                        .ofSize(nodes * 8).uniqueElements().map(KeyListingProperties::ringOfEightPositionsEach)));
    }

    /** The rings one after another as nodes come and go: one per page, round and round. */
    @Provide
    Arbitrary<List<Ring>> ringChanges() {
        return rings().list().ofMinSize(1).ofMaxSize(4);
    }

    private static Ring ringOfEightPositionsEach(List<RingPosition> positions) {
        Ring ring = Ring.empty();
        for (int i = 0; i < positions.size(); i += 8) {
            NodeRef node = RingArbitraries.node(positions.get(i));
            ring = ring.with(node, positions.subList(i + 1, i + 8));
        }
        return ring;
    }

    @Property
    void spansRunFromZeroToTheTopWithoutGapsOrOverlaps(@ForAll("rings") Ring ring) {
        List<KeyRange> spans = KeyListing.spans(ring);
        assertThat(spans.getFirst().start()).isEqualTo(RingPosition.MIN);
        assertThat(spans.getLast().end()).isEqualTo(RingPosition.MIN);
        for (int i = 1; i < spans.size(); i++) {
            assertThat(spans.get(i).start()).isEqualTo(spans.get(i - 1).end());
            assertThat(spans.get(i).start()).isGreaterThan(spans.get(i - 1).start());
        }
        assertThat(spans.size()).isBetween(ring.positionCount(), ring.positionCount() + 1);
        for (KeyRange span : spans) {
            assertThat(ring.replicasOf(span.start(), 1).getFirst()).as("owner of %s", span)
                    .isEqualTo(ring.ownerOf(span.end().previous()));
        }
    }

    @Property(tries = 300)
    void everyLiveKeyWithThePrefixIsListedOnceInRingOrderWhileTheRingChanges(
            @ForAll("ringChanges") List<Ring> rings,
            @ForAll @IntRange(min = 1, max = 7) int limit,
            @ForAll @IntRange(min = 1, max = 12) int examineBound,
            @ForAll @IntRange(min = 1, max = 40) int budget,
            @ForAll @IntRange(min = 1, max = 6) int maxReads,
            @ForAll @IntRange(min = 0, max = 120) int keyCount,
            @ForAll long seed) {
        Random random = new Random(seed);
        List<FakeReplica> replicas = List.of(new FakeReplica(examineBound), new FakeReplica(examineBound + 3), new FakeReplica(examineBound));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < keyCount; i++) {
            String key = (random.nextInt(3) == 0 ? "out/" : PREFIX) + i;
            boolean liveNow = random.nextInt(4) != 0;
            ListedKey newest = new ListedKey(key, new Version(10, RingPosition.MIN), !liveNow);
            ListedKey older = new ListedKey(key, new Version(5, RingPosition.MIN), liveNow);
            int holder = random.nextInt(replicas.size());
            for (int r = 0; r < replicas.size(); r++) {
                if (r == holder) {
                    replicas.get(r).hold(newest);
                } else if (random.nextBoolean()) {
                    replicas.get(r).hold(random.nextBoolean() ? newest : older);
                }
            }
            if (liveNow && key.startsWith(PREFIX)) {
                expected.add(key);
            }
        }
        expected.sort((a, b) -> StoreCursor.STORE_ORDER.compare(StoreCursor.of(a), StoreCursor.of(b)));

        List<String> listed = new ArrayList<>();
        StoreCursor cursor = null;
        int page = 0;
        do {
            Ring ring = rings.get(page % rings.size());
            KeyListing.Page next = KeyListing.page(ring, cursor, limit, budget, maxReads, (span, after, wanted) ->
                    replicas.stream().map(replica -> replica.read(span, after, PREFIX, wanted)).toList());
            assertThat(next.keys()).hasSizeLessThanOrEqualTo(limit);
            listed.addAll(next.keys());
            cursor = next.next();
            page++;
            assertThat(page).as("pages").isLessThan(10_000);
        } while (cursor != null);

        Set<String> once = new HashSet<>(listed);
        assertThat(once).as("keys listed once").hasSameSizeAs(listed);
        assertThat(listed).containsExactlyElementsOf(expected);
    }
}
