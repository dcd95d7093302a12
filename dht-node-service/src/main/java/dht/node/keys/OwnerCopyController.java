package dht.node.keys;

import dht.core.Key;
import dht.core.wire.Entry;
import dht.core.wire.EntryCodec;
import dht.core.wire.OwnerWrites;
import dht.node.config.NodeProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Tag(name = "Internal: replication", description = "Copies of keys between replicas; not for clients")
@RestController
class OwnerCopyController {

    private static final MediaType ENTRIES = MediaType.parseMediaType(EntryCodec.MEDIA_TYPE);

    private final KeyService keys;
    private final NodeProperties properties;

    OwnerCopyController(KeyService keys, NodeProperties properties) {
        this.keys = keys;
        this.properties = properties;
    }

    @Operation(summary = "Store writes as the keys' owner", description = "Writes the keys' replicas coordinated, "
            + "as a binary entry batch of distinct keys: each kept unless a newer version is held, and only while this node "
            + "owns its key by its own neighbors; the answer names the keys refused for that.")
    @ApiResponse(responseCode = "200", description = "Stored (or already newer here), except the keys named", content = @Content(mediaType = "application/json", schema = @Schema(implementation = OwnerWrites.class)))
    @ApiResponse(responseCode = "400", description = "Not an entry batch of distinct, valid keys, or more than 100,000 entries", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(path = "/internal/owned", consumes = EntryCodec.MEDIA_TYPE, produces = MediaType.APPLICATION_JSON_VALUE)
    OwnerWrites storeAsOwner(HttpServletRequest request) throws IOException {
        List<Entry> entries;
        try {
            entries = EntryCodec.read(request.getInputStream(), properties.maxValueBytesAsInt(), EntryCodec.MAX_BATCH_ENTRIES);
        } catch (EntryCodec.TooManyEntries e) {
            throw badBatch("An owner's batch holds at most " + EntryCodec.MAX_BATCH_ENTRIES + " entries.", e);
        }
        Map<Key, Entry> writes = new LinkedHashMap<>();
        for (Entry entry : entries) {
            if (writes.putIfAbsent(validKey(entry.key()), entry) != null) {
                throw badBatch("An owner's batch holds each key once; " + entry.key() + " is in it twice.", null);
            }
        }
        return keys.storeAsOwner(writes);
    }

    @Operation(summary = "The owner's copy of a key", description = "For a replica that serves a read itself: "
            + "answered only while this node owns the key by its own neighbors.")
    @ApiResponse(responseCode = "200", description = "A batch of one entry", content = @Content(mediaType = EntryCodec.MEDIA_TYPE, schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "404", description = "Not stored here", content = @Content)
    @ApiResponse(responseCode = "409", description = "This node does not own the key", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @GetMapping("/internal/owned/{key}")
    ResponseEntity<byte[]> ownerCopy(@PathVariable String key) {
        return keys.ownerCopy(validKey(key))
                .map(entry -> ResponseEntity.ok().contentType(ENTRIES).body(EntryCodec.toBytes(List.<Entry>of(entry))))
                .orElseGet(() -> ResponseEntity.notFound().build());
    }

    private static Key validKey(String key) {
        try {
            return Key.of(key);
        } catch (IllegalArgumentException invalid) {
            throw KeyProblems.invalidKey(invalid.getMessage());
        }
    }

    private static ErrorResponseException badBatch(String detail, Throwable cause) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setTitle("Not a batch for the owner");
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, cause);
    }
}
