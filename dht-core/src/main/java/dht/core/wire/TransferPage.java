package dht.core.wire;

import java.util.List;

/** One round of a key transfer: entries in ring order, and whether the range has no more. */
public record TransferPage(List<Entry> entries, boolean last) {
}
