package dht.node.keys;

import dht.core.Key;
import dht.core.listing.KeyListing;
import dht.core.listing.ListingCursor;
import dht.core.wire.DhtHeaders;
import dht.core.wire.KeyPage;
import dht.core.wire.StoreCursor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.nio.charset.StandardCharsets;

@Tag(name = "Keys")
@RestController
class ListingController {

    private static final String EXAMPLE_STREAM = """
            :watching

            event:put
            id:0001931f5e2a0000-8877c799045ba648
            data:{"key":"user:42","version":"0001931f5e2a0000-8877c799045ba648","type":"put"}

            event:delete
            id:0001931f5e2b0001-8877c799045ba648
            data:{"key":"user:42","version":"0001931f5e2b0001-8877c799045ba648","type":"delete"}

            """;
    private static final String PROBLEM = "application/problem+json";

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final ListingService listing;
    private final ForwardingHeaders forwarding;

    ListingController(ListingService listing, ForwardingHeaders forwarding) {
        this.listing = listing;
        this.forwarding = forwarding;
    }

    @Operation(summary = "List or watch keys", description = "Without watch: the live keys of the whole ring that start "
            + "with the prefix, each once, in ring order (by key position, then key), a page at a time; deleted and replica "
            + "copies are left out. Pass the answered cursor to get the next page; it stays valid while nodes join and leave. "
            + "A page may hold fewer keys than the limit, even none, and still have a cursor: each page examines a bounded "
            + "number of keys. The cursor is null once the listing reached the end of the ring.\n\n"
            + "With watch=true: a Server-Sent Events stream of every put and delete of a key under the prefix, made through "
            + "any node: events named 'put' or 'delete', each with the JSON {key, version, type} and the version as its id, "
            + "each key's in the order of their versions. It opens with a comment, and a comment comes as a heartbeat while "
            + "nothing happens. Resume with Last-Event-ID, on any node: the changes since are sent, perhaps a few again; a "
            + "'reset' event first says that changes were missed (the nodes' logs no longer reach back that far) and the "
            + "keys are to be read afresh. The stream ends after 'timeout' seconds, after dht.watch.max-lifetime or when the "
            + "node stops; a client that falls dht.watch.buffer events behind gets a 'dropped' event and the stream ends.",
            parameters = {
                    @Parameter(name = "watch", in = ParameterIn.QUERY, description = "true: a watch (an event stream) rather than a listing",
                            schema = @Schema(type = "string", allowableValues = "true")),
                    @Parameter(name = "timeout", in = ParameterIn.QUERY, description = "A watch's: seconds after which the stream "
                            + "ends (default: dht.watch.max-lifetime)", schema = @Schema(type = "integer", minimum = "1")),
                    @Parameter(name = "Last-Event-ID", in = ParameterIn.HEADER, description = "A watch's: the id of the last "
                            + "event received, to resume after it", schema = @Schema(type = "string", pattern = "^[0-9a-f]{16}-[0-9a-f]{16}$"))})
    @ApiResponse(responseCode = "200", description = "One page of keys, or with watch=true the event stream", headers =
            @Header(name = DhtHeaders.HOPS, description = "A listing's: always 0, the node asked serves it", schema = @Schema(type = "integer", minimum = "0")),
            content = {
                    @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = KeyPage.class),
                            examples = {
                                    @ExampleObject(name = "more", summary = "A page with more to follow",
                                            value = "{\"keys\": [\"user:42\", \"user:7\"], \"cursor\": \"ASC9x65wgtIedXNlcjo3\"}"),
                                    @ExampleObject(name = "last", summary = "The last page",
                                            value = "{\"keys\": [\"user:9\"], \"cursor\": null}")}),
                    @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE, schema = @Schema(type = "string"),
                            examples = @ExampleObject(name = "watch", summary = "A watch's events", value = EXAMPLE_STREAM))})
    @ApiResponse(responseCode = "400", description = "A limit outside 1 to 1000, a prefix longer than 1024 bytes, a cursor no "
            + "listing answered; for a watch, watch other than true, a timeout that is not a positive number, or a malformed Last-Event-ID",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "429", description = "A watch beyond dht.watch.max-subscribers open on this node; see Retry-After",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "502", description = "A replica could not be reached", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "This node is not in the ring yet, or too few replicas of a range answered; see Retry-After", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "504", description = "A replica did not answer in time", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @GetMapping(path = "/keys", params = "!watch", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<KeyPage> listKeys(
            @Parameter(description = "Only keys that start with this (at most 1024 bytes of UTF-8); all keys when absent", example = "user:")
            @RequestParam(name = "prefix", required = false, defaultValue = "") String prefix,
            @Parameter(description = "The most keys in the page", schema = @Schema(type = "integer", minimum = "1", maximum = "1000", defaultValue = "100"))
            @RequestParam(name = "limit", required = false) Integer limit,
            @Parameter(description = "Where the previous page ended, as it answered; absent for the first page")
            @RequestParam(name = "cursor", required = false) String cursor,
            HttpServletRequest request) {
        int pageSize = validLimit(limit);
        String validPrefix = validPrefix(prefix);
        StoreCursor after = cursor == null ? null : validCursor(cursor);
        KeyListing.Page page = listing.list(validPrefix, pageSize, after, forwarding.deadline(request));
        KeyPage body = new KeyPage(page.keys(), page.next() == null ? null : ListingCursor.encode(page.next()));
        return ResponseEntity.ok().headers(KeyHeaders.of(null, 0)).body(body);
    }

    private static int validLimit(Integer limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw KeyProblems.invalidListing("A limit is 1 to " + MAX_LIMIT + ", not " + limit + ".");
        }
        return limit;
    }

    private static String validPrefix(String prefix) {
        if (prefix.getBytes(StandardCharsets.UTF_8).length > Key.MAX_BYTES) {
            throw KeyProblems.invalidListing("A prefix is at most " + Key.MAX_BYTES + " bytes of UTF-8.");
        }
        return prefix;
    }

    private static StoreCursor validCursor(String cursor) {
        try {
            return ListingCursor.decode(cursor);
        } catch (IllegalArgumentException invalid) {
            throw KeyProblems.invalidListing(invalid.getMessage());
        }
    }
}
