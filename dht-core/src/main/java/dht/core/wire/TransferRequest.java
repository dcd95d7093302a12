package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.KeyRange;

/**
 * One round of a key transfer, asked by the receiver: first delete what it has confirmed (all of
 * {@code range} up to and including {@code confirmedThrough}), then send up to {@code limit}
 * entries after {@code after}. Absent cursors mean "nothing yet".
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferRequest(KeyRange range, StoreCursor after, StoreCursor confirmedThrough, int limit) {
}
