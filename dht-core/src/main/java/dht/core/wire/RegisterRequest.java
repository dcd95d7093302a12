package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.RingPosition;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

/**
 * A joining node's request to the registry. {@code id} is present only when the operator pinned it
 * ({@code dht.node-id}); otherwise the registry hashes the address.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegisterRequest(
        @NotBlank @Pattern(regexp = ADDRESS, message = "must be host:port") String address,
        RingPosition id) {

    /** {@code host:port}: a host name, IPv4 address or bracketed IPv6 address, and a port 1 to 65535. */
    public static final String ADDRESS = "^([A-Za-z0-9.\\-]{1,253}|\\[[0-9A-Fa-f:.]+\\]):"
            + "([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$";

    public static RegisterRequest of(String address) {
        return new RegisterRequest(address, null);
    }
}
