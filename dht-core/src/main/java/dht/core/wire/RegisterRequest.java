package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.RingPosition;

/**
 * A joining node's request to the registry. {@code id} is present only when the operator pinned it
 * ({@code dht.node-id}); otherwise the registry hashes the address.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegisterRequest(String address, RingPosition id) {

    public static RegisterRequest of(String address) {
        return new RegisterRequest(address, null);
    }
}
