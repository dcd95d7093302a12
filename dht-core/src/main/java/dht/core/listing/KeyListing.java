package dht.core.listing;

import dht.core.KeyRange;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.wire.ListedKey;
import dht.core.wire.RangeKeys;
import dht.core.wire.StoreCursor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A listing of the whole ring, page by page, in ring order: by key position from 0 up to
 * {@code ffffffffffffffff}, then by key ({@link StoreCursor#STORE_ORDER}), the order every store
 * keeps. A page resumes after a {@link StoreCursor}, a place on the ring rather than a node, so a
 * cursor stays good whatever joins or leaves between two pages: the next page reads the ranges
 * after it from whoever holds them then.
 */
public final class KeyListing {

    private KeyListing() {
    }

    /** Reads one span from a read quorum of its replicas: one answer per replica that answered. */
    @FunctionalInterface
    public interface SpanReader {

        /**
         * Up to {@code limit} keys of {@code span} after {@code after} (from its start when null) from
         * each replica asked; throws when too few replicas answer.
         */
        List<RangeKeys> read(KeyRange span, StoreCursor after, int limit);
    }

    /** One page: its live keys in ring order, and the cursor to resume after (null at the end of the ring). */
    public record Page(List<String> keys, StoreCursor next) {
    }

    /**
     * The ring's ranges in listing order, one per position, none wrapping past the top: the range
     * that does is cut at 0, its part from 0 coming first. A ring of one position is one span.
     */
    public static List<KeyRange> spans(Ring ring) {
        List<KeyRange> spans = new ArrayList<>(ring.positionCount() + 1);
        for (Ring.Arc arc : ring.arcs()) {
            for (KeyRange.Segment segment : arc.range().segments()) {
                spans.add(KeyRange.of(segment.first(), segment.last().next()));
            }
        }
        spans.sort(Comparator.comparing(KeyRange::start));
        return spans;
    }

    /**
     * The page of up to {@code limit} live keys after {@code after} (from position 0 when null).
     * It stops early, with fewer keys and a cursor, once the replicas examined {@code examineBudget}
     * entries for it, or after {@code maxReads} reads of spans: a prefix that few keys match, or a
     * ring of many positions, costs a bounded amount of work (and time) per page.
     */
    public static Page page(Ring ring, StoreCursor after, int limit, int examineBudget, int maxReads, SpanReader reader) {
        if (limit < 1 || maxReads < 1) {
            throw new IllegalArgumentException("a page holds at least one key and reads one span, not " + limit + " and " + maxReads);
        }
        List<KeyRange> spans = spans(ring);
        int index = after == null ? 0 : indexOf(spans, after.position());
        StoreCursor from = after;
        List<String> keys = new ArrayList<>(limit);
        long examined = 0;
        int reads = 0;
        while (true) {
            boolean lastSpan = index == spans.size() - 1;
            Merged merged = merge(reader.read(spans.get(index), from, limit - keys.size()));
            reads++;
            for (int i = 0; i < merged.live().size(); i++) {
                keys.add(merged.live().get(i).key());
                if (keys.size() == limit) {
                    boolean endOfRing = lastSpan && merged.exhausted() && i == merged.live().size() - 1;
                    return new Page(keys, endOfRing ? null : merged.live().get(i).cursor());
                }
            }
            examined += merged.examined();
            StoreCursor resumeAt;
            if (merged.exhausted()) {
                if (lastSpan) {
                    return new Page(keys, null);
                }
                index++;
                from = null;
                // before every key at the next span's first position: the spans before it are done
                resumeAt = new StoreCursor(spans.get(index).start(), "");
            } else if (from != null && StoreCursor.STORE_ORDER.compare(merged.through(), from) <= 0) {
                throw new IllegalStateException("the replicas of " + spans.get(index) + " read nothing after " + from);
            } else {
                from = merged.through();
                resumeAt = from;
            }
            if (examined >= examineBudget || reads >= maxReads) {
                return new Page(keys, resumeAt);
            }
        }
    }

    /**
     * What the replicas' answers for one span say together: each key's newest copy among them, as
     * far as every answer reaches (past the shortest one, a replica that stopped may hold a newer
     * copy), its live keys in ring order.
     *
     * @param live      the keys with a value, newest copy first decided, in ring order
     * @param through   how far every answer reached; the last entry examined when all were exhausted
     * @param exhausted whether every answer reached the span's end
     * @param examined  the most entries one replica examined
     */
    public record Merged(List<ListedKey> live, StoreCursor through, boolean exhausted, int examined) {
    }

    public static Merged merge(List<RangeKeys> answers) {
        if (answers.isEmpty()) {
            throw new IllegalArgumentException("a span is read from one replica at least");
        }
        StoreCursor reachedByAll = answers.stream().filter(answer -> !answer.exhausted()).map(RangeKeys::through)
                .min(StoreCursor.STORE_ORDER).orElse(null);
        boolean exhausted = reachedByAll == null;
        Map<String, ListedKey> newest = new HashMap<>();
        for (RangeKeys answer : answers) {
            for (ListedKey copy : answer.keys()) {
                if (exhausted || StoreCursor.STORE_ORDER.compare(copy.cursor(), reachedByAll) <= 0) {
                    newest.merge(copy.key(), copy, (one, other) -> other.version().isNewerThan(one.version()) ? other : one);
                }
            }
        }
        List<ListedKey> live = newest.values().stream()
                .filter(ListedKey::live)
                .sorted(Comparator.comparing(ListedKey::cursor, StoreCursor.STORE_ORDER))
                .toList();
        StoreCursor through = exhausted
                ? answers.stream().map(RangeKeys::through).filter(Objects::nonNull).max(StoreCursor.STORE_ORDER).orElse(null)
                : reachedByAll;
        int examined = answers.stream().mapToInt(RangeKeys::examined).max().orElse(0);
        return new Merged(live, through, exhausted, examined);
    }

    private static int indexOf(List<KeyRange> spans, RingPosition position) {
        for (int i = spans.size() - 1; i > 0; i--) {
            if (spans.get(i).start().compareTo(position) <= 0) {
                return i;
            }
        }
        return 0;
    }
}
