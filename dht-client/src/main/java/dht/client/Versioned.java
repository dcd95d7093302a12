package dht.client;

/**
 * A stored write: the version the key now has (its {@code ETag}, which {@link DhtClient#replace}
 * takes to write only over exactly this value).
 *
 * @param version  the new version, as {@code <16 hex>-<16 hex>}
 * @param created  whether the key had no value before
 * @param servedBy who stored it
 */
public record Versioned(String version, boolean created, ServedBy servedBy) {
}
