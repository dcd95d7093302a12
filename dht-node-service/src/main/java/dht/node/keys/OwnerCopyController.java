package dht.node.keys;

import dht.core.Key;
import dht.core.wire.Entry;
import dht.core.Version;
import dht.core.wire.CopyAnswers;
import dht.core.wire.EntryCodec;
import dht.core.wire.OwnerWrites;
import dht.core.wire.Wanted;
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
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Tag(name = "Internal: replication", description = "Copies of keys between replicas; not for clients")
@RestController
class OwnerCopyController {

    private static final MediaType COPY_ANSWERS = MediaType.parseMediaType(CopyAnswers.MEDIA_TYPE);

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

    @Operation(summary = "The owner's copies of keys", description = "For replicas that serve reads themselves: distinct "
            + "keys, each with the version the asker holds (or none); per key, in order: no copy, the same version (its value "
            + "stays here), another copy, or not owned by this node by its own neighbors.")
    @ApiResponse(responseCode = "200", description = "One answer per key", content = @Content(mediaType = CopyAnswers.MEDIA_TYPE, schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "400", description = "Not a list of distinct, valid keys, or more than 100,000", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(path = "/internal/owned/read", consumes = MediaType.APPLICATION_JSON_VALUE, produces = CopyAnswers.MEDIA_TYPE)
    ResponseEntity<byte[]> ownerCopies(@RequestBody List<Wanted> wanted) {
        if (wanted.size() > EntryCodec.MAX_BATCH_ENTRIES) {
            throw badBatch("An owner's read asks for at most " + EntryCodec.MAX_BATCH_ENTRIES + " keys.", null);
        }
        Map<Key, Version> known = new LinkedHashMap<>();
        for (Wanted one : wanted) {
            Key key = validKey(one.key());
            if (known.containsKey(key)) {
                throw badBatch("An owner's read asks for each key once; " + one.key() + " is in it twice.", null);
            }
            known.put(key, one.known());
        }
        return ResponseEntity.ok().contentType(COPY_ANSWERS).body(CopyAnswers.toBytes(keys.ownerCopies(known)));
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
