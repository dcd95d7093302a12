package dht.core.wire;

/**
 * A node's answer to a replica back in place that asked for the hints kept for it: how many it
 * handed over, and how many still wait (a call that failed midway leaves the rest for the next round).
 */
public record HintsHandedOver(long handed, long pending) {
}
