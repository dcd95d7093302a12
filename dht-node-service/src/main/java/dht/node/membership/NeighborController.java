package dht.node.membership;

import dht.core.NodeRef;
import dht.core.wire.Handover;
import dht.core.wire.JoinAccepted;
import dht.core.wire.JoinRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Internal: neighbors", description = "Splicing nodes into and out of the ring; not for clients")
@RestController
@RequestMapping(path = "/internal", produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
class NeighborController {

    private final NeighborService neighbors;
    private final FailureDetector failureDetector;

    NeighborController(NeighborService neighbors, FailureDetector failureDetector) {
        this.neighbors = neighbors;
        this.failureDetector = failureDetector;
    }

    @Operation(summary = "Splice a joining node in as this node's successor")
    @ApiResponse(responseCode = "200", description = "Accepted: the joiner's neighbors and the range it now owns")
    @ApiResponse(responseCode = "409", description = "The joiner does not belong right after this node", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "This node owns no range yet, or is still receiving one", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(path = "/join", consumes = MediaType.APPLICATION_JSON_VALUE)
    JoinAccepted join(@RequestBody JoinRequest request) {
        return neighbors.acceptJoin(request);
    }

    @Operation(summary = "Set this node's predecessor")
    @ApiResponse(responseCode = "204", description = "Updated")
    @ApiResponse(responseCode = "409", description = "Another node with this node's ID: the ring would break", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PutMapping(path = "/neighbors/predecessor", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Void> predecessor(@RequestBody NodeRef predecessor) {
        neighbors.predecessorIs(predecessor);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Serve the range of a successor that stops in place",
            description = "Sent by a node as it stops without leaving: it is DOWN, still a member at its positions, "
                    + "and this node serves its ranges until it joins again.")
    @ApiResponse(responseCode = "204", description = "Serving its ranges, if it was this node's successor")
    @PostMapping(path = "/neighbors/down", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Void> successorDown(@RequestBody NodeRef successor) {
        failureDetector.goingDown(successor);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Take over the range of the leaving successor")
    @ApiResponse(responseCode = "202", description = "Taken over; its keys are being pulled")
    @ApiResponse(responseCode = "409", description = "The sender is not this node's successor", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(path = "/handover", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Void> handover(@RequestBody Handover handover) {
        neighbors.acceptHandover(handover);
        return ResponseEntity.accepted().build();
    }
}
