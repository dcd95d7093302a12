package dht.node.hints;

import dht.core.NodeRef;
import dht.core.wire.Entry;
import dht.core.wire.EntryCodec;
import dht.core.wire.HintsHandedOver;
import dht.core.wire.RegisterRequest;
import dht.node.config.NodeProperties;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.util.List;

@Tag(name = "Internal: replication", description = "Copies of keys between replicas; not for clients")
@RestController
class HintController {

    private final HintedHandoff handoff;
    private final NodeProperties properties;

    HintController(HintedHandoff handoff, NodeProperties properties) {
        this.handoff = handoff;
        this.properties = properties;
    }

    @Operation(summary = "Keep hints", description = "Writes a DOWN replica missed, kept here (a binary entry batch) and "
            + "handed to it once it is back; each counts towards the write's quorum (sloppy quorum).")
    @ApiResponse(responseCode = "204", description = "Kept")
    @ApiResponse(responseCode = "400", description = "Not an entry batch, or no host:port to keep them for", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "507", description = "The hint store is full (dht.hints.max-bytes)", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(path = "/internal/hints", consumes = EntryCodec.MEDIA_TYPE)
    ResponseEntity<Void> keep(@Parameter(description = "host:port of the replica the writes are for")
                              @RequestParam("for") @Pattern(regexp = RegisterRequest.ADDRESS, message = "must be host:port") String target,
                              HttpServletRequest request) throws IOException {
        List<Entry> entries;
        try {
            entries = EntryCodec.read(request.getInputStream(), properties.maxValueBytesAsInt(), EntryCodec.MAX_BATCH_ENTRIES);
        } catch (EntryCodec.TooManyEntries e) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "A batch of hints holds at most " + EntryCodec.MAX_BATCH_ENTRIES + " entries.");
            problem.setTitle("Batch too large");
            throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, e);
        }
        boolean allKept = true;
        for (Entry entry : entries) {
            allKept &= handoff.keep(target, entry);
        }
        if (!allKept) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INSUFFICIENT_STORAGE,
                    "The hint store is full (dht.hints.max-bytes); not every write was kept for " + target + ".");
            problem.setTitle("Hint store full");
            throw new ErrorResponseException(HttpStatus.INSUFFICIENT_STORAGE, problem, null);
        }
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Hand over hints", description = "Asked by a replica back in place before it compares its ranges "
            + "with the others: the hints kept here for it are handed to it now, so that what they bring need not be pulled.")
    @ApiResponse(responseCode = "200", description = "How many were handed over, and how many still wait")
    @ApiResponse(responseCode = "400", description = "No host:port to hand them to", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(path = "/internal/hints/handoff", produces = MediaType.APPLICATION_JSON_VALUE)
    HintsHandedOver handOver(@Parameter(description = "host:port of the replica back in place")
                             @RequestParam("for") @Pattern(regexp = RegisterRequest.ADDRESS, message = "must be host:port") String replica) {
        return handoff.handOver(NodeRef.at(replica));
    }
}
