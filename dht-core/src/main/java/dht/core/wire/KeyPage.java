package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Objects;

/**
 * One page of a listing of the whole ring ({@code GET /keys}): live keys in ring order, and the
 * cursor to ask for the next page with, null once the listing reached the end of the ring.
 */
public record KeyPage(List<String> keys, @JsonInclude(JsonInclude.Include.ALWAYS) String cursor) {

    public KeyPage {
        keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
    }
}
