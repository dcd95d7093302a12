package dht.core.wire;

import dht.core.Version;

import java.util.Objects;
import java.util.Optional;

/**
 * A node's answer for one {@link Wanted} key: it holds no copy, holds the very version the asker
 * named (its value stays home), holds another copy (sent whole), or, asked as the key's owner, does
 * not own it.
 */
public record CopyAnswer(Kind kind, Entry copy) {

    public enum Kind { ABSENT, SAME, COPY, NOT_OWNED }

    private static final CopyAnswer ABSENT = new CopyAnswer(Kind.ABSENT, null);
    private static final CopyAnswer SAME = new CopyAnswer(Kind.SAME, null);
    private static final CopyAnswer NOT_OWNED = new CopyAnswer(Kind.NOT_OWNED, null);

    public CopyAnswer {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.COPY) != (copy != null)) {
            throw new IllegalArgumentException("a copy goes with the COPY answer, and with it alone");
        }
    }

    /**
     * The answer of a node that holds {@code held} to an asker that holds {@code known}. A tombstone
     * goes whole even at the same version: it has no value to spare, and it wins over a live copy of
     * its version (a value that expired there), which a confirmation would hide.
     */
    public static CopyAnswer of(Optional<Entry> held, Version known) {
        if (held.isEmpty()) {
            return ABSENT;
        }
        Entry copy = held.get();
        return copy.version().equals(known) && !copy.tombstone() ? SAME : new CopyAnswer(Kind.COPY, copy);
    }

    public static CopyAnswer notOwned() {
        return NOT_OWNED;
    }

    /** The answer of a kind that carries no copy. */
    static CopyAnswer of(Kind kind) {
        return switch (kind) {
            case ABSENT -> ABSENT;
            case SAME -> SAME;
            case NOT_OWNED -> NOT_OWNED;
            case COPY -> throw new IllegalArgumentException("a COPY answer carries its copy");
        };
    }

    /**
     * The answering node's copy, given the asker's own ({@code known}, the copy whose version it named).
     *
     * @throws IllegalStateException for {@link Kind#NOT_OWNED}, which names no copy
     */
    public Optional<Entry> copyGiven(Optional<Entry> known) {
        return switch (kind) {
            case ABSENT -> Optional.empty();
            case SAME -> known;
            case COPY -> Optional.of(copy);
            case NOT_OWNED -> throw new IllegalStateException("a node that does not own the key names no copy");
        };
    }
}
