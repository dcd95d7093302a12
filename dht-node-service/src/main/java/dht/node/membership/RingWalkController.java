package dht.node.membership;

import dht.core.NeighborView;
import dht.core.Neighborhood;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Internal: neighbors")
@RestController
class RingWalkController {

    private final LocalNode node;

    RingWalkController(LocalNode node) {
        this.node = node;
    }

    @Operation(summary = "This node's neighbors", description = "For nodes that learn the ring by walking it, successor "
            + "after successor: a node joining through a seed node, or any node while the registry is away.")
    @ApiResponse(responseCode = "200", description = "The node, its predecessor and its successor")
    @ApiResponse(responseCode = "503", description = "The node is not in the ring yet", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @GetMapping(path = "/internal/neighbors", produces = MediaType.APPLICATION_JSON_VALUE)
    NeighborView neighbors() {
        return node.neighborhood()
                .filter(neighborhood -> node.state().ownsRange())
                .map(Neighborhood::atId)
                .orElseThrow(() -> RingProblems.notInRing(node.state()));
    }
}
