package dht.core.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import dht.core.RingPosition;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * A joining node's request to the registry. {@code id} is present only when the operator pinned it
 * ({@code dht.node-id}); otherwise the registry hashes the address. {@code virtualNodes}, the
 * number of ring positions the node asks for, is present only above 1 ({@code dht.virtual-nodes});
 * {@code virtualPositions}, where a live member stands besides its ID, only when it announces
 * itself with virtual nodes, or where a joiner retrying stands from an attempt that broke off.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegisterRequest(
        @NotBlank @Pattern(regexp = ADDRESS, message = "must be host:port") String address,
        RingPosition id,
        @Min(1) @Max(MAX_VIRTUAL_NODES) Integer virtualNodes,
        @Size(max = MAX_VIRTUAL_NODES - 1) List<RingPosition> virtualPositions) {

    /** More positions than this per node would only slow down every ring change. */
    public static final int MAX_VIRTUAL_NODES = 256;

    public RegisterRequest(String address, RingPosition id) {
        this(address, id, null, null);
    }

    /** {@code host:port}: a host name, IPv4 address or bracketed IPv6 address, and a port 1 to 65535. */
    public static final String ADDRESS = "^([A-Za-z0-9.\\-]{1,253}|\\[[0-9A-Fa-f:.]+\\]):"
            + "([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$";

    /** How many positions the node asks for: 1 unless it asked for virtual nodes. */
    public int positionCount() {
        return virtualNodes == null ? 1 : virtualNodes;
    }

    public static RegisterRequest of(String address) {
        return new RegisterRequest(address, null);
    }
}
