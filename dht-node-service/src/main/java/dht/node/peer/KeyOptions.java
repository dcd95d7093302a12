package dht.node.peer;

/**
 * What a client asked of a key request beyond the key itself, carried along when it is forwarded:
 * how many copies a write or read needs ({@code ?w=}, {@code ?r=}; null for the configured
 * default), the condition of a compare-and-set ({@code If-Match}, {@code If-None-Match}) and how
 * many seconds a written value lives ({@code ?ttl=}; null for a permanent one).
 */
public record KeyOptions(Integer writeQuorum, Integer readQuorum, String ifMatch, String ifNoneMatch, Long ttlSeconds) {

    public static final KeyOptions NONE = new KeyOptions(null, null, null, null);

    /** Options of a request that writes no expiring value. */
    public KeyOptions(Integer writeQuorum, Integer readQuorum, String ifMatch, String ifNoneMatch) {
        this(writeQuorum, readQuorum, ifMatch, ifNoneMatch, null);
    }

    /** These options, for a value that lives {@code seconds} (null: a permanent one). */
    public KeyOptions withTtl(Long seconds) {
        return new KeyOptions(writeQuorum, readQuorum, ifMatch, ifNoneMatch, seconds);
    }

    public boolean conditional() {
        return ifMatch != null || ifNoneMatch != null;
    }
}
