package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.RingPosition;
import dht.core.Version;

import java.util.List;

/** The answer to a {@link KeyBatch}: one result per key, in the batch's order. */
public record KeyBatchResults(List<KeyResult> results) {

    /**
     * What one key of a batch ended in, with the status its own request would have had: a read's
     * value (base64), content type and version; a write's version ({@code 201} new, {@code 200}
     * replaced); or a problem's {@code title} and {@code detail} (and the {@code requestId} that
     * names the details in the node's log, for a peer that failed).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KeyResult(String key, int status, String value, String contentType, Version version, RingPosition owner,
                         String title, String detail, String requestId) {

        public boolean succeeded() {
            return status >= 200 && status < 300;
        }
    }
}
