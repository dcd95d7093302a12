package dht.node.keys;

import dht.core.Key;
import dht.core.wire.Entry;
import dht.core.wire.EntryCodec;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@Tag(name = "Internal: replication", description = "Copies of keys between replicas; not for clients")
@RestController
class OwnerCopyController {

    private static final MediaType ENTRIES = MediaType.parseMediaType(EntryCodec.MEDIA_TYPE);

    private final KeyService keys;

    OwnerCopyController(KeyService keys) {
        this.keys = keys;
    }

    @Operation(summary = "The owner's copy of a key", description = "For a replica that serves a read itself: "
            + "answered only while this node owns the key by its own neighbors.")
    @ApiResponse(responseCode = "200", description = "A batch of one entry")
    @ApiResponse(responseCode = "404", description = "Not stored here")
    @ApiResponse(responseCode = "409", description = "This node does not own the key")
    @GetMapping("/internal/owned/{key}")
    ResponseEntity<byte[]> ownerCopy(@PathVariable String key) {
        Key valid;
        try {
            valid = Key.of(key);
        } catch (IllegalArgumentException invalid) {
            throw KeyProblems.invalidKey(invalid.getMessage());
        }
        return keys.ownerCopy(valid)
                .map(entry -> ResponseEntity.ok().contentType(ENTRIES).body(EntryCodec.toBytes(List.<Entry>of(entry))))
                .orElseGet(() -> ResponseEntity.notFound().build());
    }
}
