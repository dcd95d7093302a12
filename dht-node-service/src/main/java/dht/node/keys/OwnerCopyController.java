package dht.node.keys;

import dht.core.Key;
import dht.core.wire.Entry;
import dht.core.wire.EntryCodec;
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
import java.util.List;

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

    @Operation(summary = "Store a write as the key's owner", description = "A write one of the key's replicas coordinated, "
            + "as a binary batch of one entry: kept unless a newer version is held, and only while this node owns the key "
            + "by its own neighbors.")
    @ApiResponse(responseCode = "204", description = "Stored (or already newer here)")
    @ApiResponse(responseCode = "400", description = "Not a batch of one entry", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "409", description = "This node does not own the key", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(path = "/internal/owned", consumes = EntryCodec.MEDIA_TYPE)
    ResponseEntity<Void> storeAsOwner(HttpServletRequest request) throws IOException {
        List<Entry> entries;
        try {
            entries = EntryCodec.read(request.getInputStream(), properties.maxValueBytesAsInt(), 1);
        } catch (EntryCodec.TooManyEntries e) {
            throw notOneEntry(e);
        }
        if (entries.size() != 1) {
            throw notOneEntry(null);
        }
        Entry entry = entries.getFirst();
        keys.storeAsOwner(validKey(entry.key()), entry);
        return ResponseEntity.noContent().build();
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

    private static ErrorResponseException notOneEntry(Throwable cause) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "A write for the owner is a batch of one entry.");
        problem.setTitle("Not one entry");
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, cause);
    }
}
