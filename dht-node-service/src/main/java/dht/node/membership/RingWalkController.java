package dht.node.membership;

import dht.core.NeighborView;
import dht.core.RingPosition;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Internal: neighbors")
@RestController
class RingWalkController {

    private final LocalNode node;

    RingWalkController(LocalNode node) {
        this.node = node;
    }

    @Operation(summary = "This node's neighbors", description = "For nodes that learn the ring by walking it, successor "
            + "after successor: a node joining through a seed node, or any node while the registry is away. With virtual "
            + "nodes each position has neighbors of its own, and the walk asks each position in turn.")
    @ApiResponse(responseCode = "200", description = "The node at that position, its predecessor and its successor")
    @ApiResponse(responseCode = "400", description = "The position is not 16 hex digits", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "409", description = "The node stands at no such position", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "The node is not in the ring yet", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @GetMapping(path = "/internal/neighbors", produces = MediaType.APPLICATION_JSON_VALUE)
    NeighborView neighbors(@Parameter(description = "One of the node's positions, 16 hex digits; its ID when absent", example = "00c3f22a00000000")
                           @RequestParam(required = false) RingPosition position) {
        return node.neighborsAt(position);
    }
}
