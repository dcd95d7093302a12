package dht.registry.membership;

import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.wire.RegisterRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Objects;

@Tag(name = NodesController.MEMBERSHIP)
@RestController
class AnnounceController {

    private final Membership membership;

    AnnounceController(Membership membership) {
        this.membership = membership;
    }

    @Operation(summary = "A live member announces itself",
            description = "Members call this when the registry does not list them, so that a registry restarted "
                    + "with nothing rebuilds the ring from the live nodes. Not a join: no neighbors are assigned.")
    @ApiResponse(responseCode = "204", description = "Listed")
    @ApiResponse(responseCode = "400", description = "Malformed request, or the ID is not the one of the address", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "409", description = "Another node holds that ID, or this registry removed the node: it must join anew", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PutMapping(path = "/nodes/{id}", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_PROBLEM_JSON_VALUE)
    ResponseEntity<Void> announce(@Parameter(description = "16 hex digits", example = "00c3f22a00000000") @PathVariable RingPosition id,
                                  @Valid @RequestBody RegisterRequest body) {
        RingPosition expected = body.id() != null ? body.id() : RingPosition.ofAddress(body.address());
        if (!expected.equals(id)) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "The path names " + id + " but the body's node is " + expected + ".");
            problem.setTitle("ID mismatch");
            throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
        }
        membership.announce(new NodeRef(id, body.address()), Objects.requireNonNullElse(body.virtualPositions(), List.of()));
        return ResponseEntity.noContent().build();
    }
}
