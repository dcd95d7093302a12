package dht.core.wire;

/**
 * Where to read a node's change log from, for the keys under {@code prefix}: after position
 * {@code after} of the log {@code epoch} (a later epoch: from its start), or the changes whose version
 * is later than the clock reading {@code since}, or, with neither, from the log's end: only what comes next.
 */
public record ChangeQuery(String prefix, Long epoch, Long after, Long since) {

    public static ChangeQuery fromEnd(String prefix) {
        return new ChangeQuery(prefix, null, null, null);
    }

    public static ChangeQuery since(String prefix, long since) {
        return new ChangeQuery(prefix, null, null, since);
    }

    /** From the start of whatever log the node keeps: for a node that came into the ring after the watch began. */
    public static ChangeQuery fromStart(String prefix) {
        return new ChangeQuery(prefix, null, 0L, null);
    }

    /** Where the next page starts, after {@code page}. */
    public ChangeQuery after(ChangePage page) {
        return new ChangeQuery(prefix, page.epoch(), page.next(), null);
    }
}
