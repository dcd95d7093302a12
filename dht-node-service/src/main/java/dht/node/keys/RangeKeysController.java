package dht.node.keys;

import dht.core.wire.RangeKeys;
import dht.core.wire.RangeKeysRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@Tag(name = "Internal: listing", description = "What a replica holds of a range, for a listing of the ring; not for clients")
@RestController
class RangeKeysController {

    private final ListingService listing;

    RangeKeysController(ListingService listing) {
        this.listing = listing;
    }

    @Operation(summary = "The keys held of a range", description = "Keys (with their versions, tombstones included) after the "
            + "cursor that start with the prefix, in ring order, without values; the node examines a bounded number of "
            + "entries and says how far it got.")
    @ApiResponse(responseCode = "200", description = "The keys and how far the node looked",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = RangeKeys.class)))
    @ApiResponse(responseCode = "409", description = "Part of the range is still arriving here", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(path = "/internal/ranges/keys", consumes = MediaType.APPLICATION_JSON_VALUE)
    RangeKeys keys(@RequestBody RangeKeysRequest request) {
        return listing.keysOf(request);
    }
}
