package dht.node.peer;

/**
 * What a client asked of a key request beyond the key itself, carried along when it is forwarded:
 * how many copies a write or read needs ({@code ?w=}, {@code ?r=}; null for the configured
 * default) and the condition of a compare-and-set ({@code If-Match}, {@code If-None-Match}).
 */
public record KeyOptions(Integer writeQuorum, Integer readQuorum, String ifMatch, String ifNoneMatch) {

    public static final KeyOptions NONE = new KeyOptions(null, null, null, null);

    public boolean conditional() {
        return ifMatch != null || ifNoneMatch != null;
    }
}
