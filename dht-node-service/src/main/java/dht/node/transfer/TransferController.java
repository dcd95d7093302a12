package dht.node.transfer;

import dht.core.wire.DhtHeaders;
import dht.core.wire.DigestRequest;
import dht.core.wire.Entry;
import dht.core.wire.EntryCodec;
import dht.core.wire.RangeDigest;
import dht.core.wire.TransferPage;
import dht.core.wire.TransferRequest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

@Tag(name = "Internal: transfer", description = "Key transfer between nodes; not for clients")
@RestController
@RequestMapping("/internal")
class TransferController {

    private static final MediaType ENTRIES = MediaType.parseMediaType(EntryCodec.MEDIA_TYPE);

    private final TransferService transfers;

    TransferController(TransferService transfers) {
        this.transfers = transfers;
    }

    @Operation(summary = "Pull one page of a range being handed over",
            description = "Deletes what the receiver confirmed, then answers the next entries as a binary batch; "
                    + "X-DHT-Transfer-Last tells whether the range has no more.")
    @ApiResponse(responseCode = "200", description = "A batch of entries", content = @Content(mediaType = EntryCodec.MEDIA_TYPE, schema = @Schema(type = "string", format = "binary")),
            headers = @Header(name = DhtHeaders.TRANSFER_LAST, description = "Whether the range has no more", schema = @Schema(type = "boolean")))
    @ApiResponse(responseCode = "409", description = "This node is not handing over that range", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(path = "/transfer", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> page(@RequestBody TransferRequest request) {
        return batch(transfers.page(request));
    }

    private static ResponseEntity<byte[]> batch(TransferPage page) {
        return ResponseEntity.ok()
                .contentType(ENTRIES)
                .header(DhtHeaders.TRANSFER_LAST, Boolean.toString(page.last()))
                .body(EntryCodec.toBytes(page.entries()));
    }

    @Operation(summary = "Read one page of a range", description = "What this node holds of the range, as a binary batch; "
            + "deletes nothing. Replicas reconcile their copies with it.")
    @ApiResponse(responseCode = "200", description = "A batch of entries", content = @Content(mediaType = EntryCodec.MEDIA_TYPE, schema = @Schema(type = "string", format = "binary")),
            headers = @Header(name = DhtHeaders.TRANSFER_LAST, description = "Whether the range has no more", schema = @Schema(type = "boolean")))
    @PostMapping(path = "/ranges/read", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<byte[]> read(@RequestBody TransferRequest request) {
        return batch(transfers.read(request));
    }

    @Operation(summary = "Digest of a range", description = "One hash per arc of the range, of the keys and versions this "
            + "node holds there; replicas compare digests and exchange only the arcs that differ.")
    @ApiResponse(responseCode = "200", description = "The digest", content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
            schema = @Schema(implementation = RangeDigest.class)))
    @PostMapping(path = "/ranges/digest", consumes = MediaType.APPLICATION_JSON_VALUE)
    RangeDigest digest(@RequestBody DigestRequest request) {
        return transfers.digest(request);
    }

    @Operation(summary = "Confirm the end of a transfer")
    @ApiResponse(responseCode = "204", description = "The range is handed over")
    @ApiResponse(responseCode = "409", description = "Not every key was confirmed, or no such transfer", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(path = "/transfer/complete", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Void> complete(@RequestBody TransferRequest request) {
        transfers.complete(request);
        return ResponseEntity.noContent().build();
    }

    @Operation(summary = "Read one stored entry without routing", description = "For a node whose range is still arriving.")
    @ApiResponse(responseCode = "200", description = "A batch of one entry", content = @Content(mediaType = EntryCodec.MEDIA_TYPE, schema = @Schema(type = "string", format = "binary")))
    @ApiResponse(responseCode = "404", description = "Not stored here", content = @Content)
    @GetMapping("/entries/{key}")
    ResponseEntity<byte[]> entry(@PathVariable String key) {
        return transfers.read(key)
                .map(entry -> ResponseEntity.ok().contentType(ENTRIES).body(EntryCodec.toBytes(List.<Entry>of(entry))))
                .orElseGet(() -> ResponseEntity.notFound().build());
    }
}
