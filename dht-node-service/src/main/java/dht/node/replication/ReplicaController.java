package dht.node.replication;

import dht.core.wire.CopyAnswers;
import dht.core.wire.Entry;
import dht.core.wire.EntryCodec;
import dht.core.wire.Wanted;
import dht.node.config.NodeProperties;
import dht.node.storage.Copies;
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
import java.util.List;

@Tag(name = "Internal: replication", description = "Copies of keys between replicas; not for clients")
@RestController
class ReplicaController {

    private static final MediaType COPY_ANSWERS = MediaType.parseMediaType(CopyAnswers.MEDIA_TYPE);

    private final Copies copies;
    private final NodeProperties properties;

    ReplicaController(Copies copies, NodeProperties properties) {
        this.copies = copies;
        this.properties = properties;
    }

    @Operation(summary = "Store copies", description = "A binary entry batch; each entry is kept unless a newer version is held.")
    @ApiResponse(responseCode = "204", description = "Stored (or already newer here)")
    @ApiResponse(responseCode = "400", description = "Not an entry batch, or more than 100,000 entries", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(path = "/internal/replicas", consumes = EntryCodec.MEDIA_TYPE)
    ResponseEntity<Void> store(HttpServletRequest request) throws IOException {
        List<Entry> entries;
        try {
            entries = EntryCodec.read(request.getInputStream(), properties.maxValueBytesAsInt(), EntryCodec.MAX_BATCH_ENTRIES);
        } catch (EntryCodec.TooManyEntries e) {
            throw tooLarge("A replica batch holds at most " + EntryCodec.MAX_BATCH_ENTRIES + " entries.", e);
        }
        copies.keepNewer(entries);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Read copies", description = "This node's copies of keys, each answered against the version "
            + "the asker holds (or none): per key, in order, no copy, the same version (its value stays here), or another copy.")
    @ApiResponse(responseCode = "200", description = "One answer per key", content = @Content(mediaType = CopyAnswers.MEDIA_TYPE, schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "400", description = "Not a list of keys, or more than 100,000", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(path = "/internal/replicas/read", consumes = MediaType.APPLICATION_JSON_VALUE, produces = CopyAnswers.MEDIA_TYPE)
    ResponseEntity<byte[]> read(@RequestBody List<Wanted> wanted) {
        if (wanted.size() > EntryCodec.MAX_BATCH_ENTRIES) {
            throw tooLarge("A replica read asks for at most " + EntryCodec.MAX_BATCH_ENTRIES + " keys.", null);
        }
        return ResponseEntity.ok().contentType(COPY_ANSWERS).body(CopyAnswers.toBytes(copies.answer(wanted)));
    }

    private static ErrorResponseException tooLarge(String detail, Throwable cause) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setTitle("Batch too large");
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, cause);
    }
}
