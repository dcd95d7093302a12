package dht.node.watch;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

@Tag(name = "Watches", description = "Every change of the keys under a prefix, as it happens, from any node")
@RestController
class WatchController {

    private static final String EXAMPLE_STREAM = """
            :watching

            event:put
            id:0001931f5e2a0000-8877c799045ba648
            data:{"key":"user:42","version":"0001931f5e2a0000-8877c799045ba648","type":"put"}

            event:delete
            id:0001931f5e2b0001-8877c799045ba648
            data:{"key":"user:42","version":"0001931f5e2b0001-8877c799045ba648","type":"delete"}

            """;

    private final KeyWatches watches;

    WatchController(KeyWatches watches) {
        this.watches = watches;
    }

    @Operation(summary = "Watch the keys under a prefix", description = "A Server-Sent Events stream of every put and "
            + "delete of a key under the prefix, made through any node: events named 'put' or 'delete', each with the JSON "
            + "{key, version, type} and the version as its id, each key's in the order of their versions. It opens with a "
            + "comment, and a comment comes as a heartbeat while nothing happens. Resume with Last-Event-ID, on any node: "
            + "the changes since are sent, perhaps a few again; a 'reset' event first says that changes were missed (the "
            + "node's logs no longer reach back that far, dht.watch.log-size and log-age) and the keys are to be read "
            + "afresh. The stream ends after 'timeout' seconds, after dht.watch.max-lifetime or when the node stops; a "
            + "client that falls dht.watch.buffer events behind gets a 'dropped' event and the stream ends.")
    @ApiResponse(responseCode = "200", description = "The event stream", content = @Content(mediaType = MediaType.TEXT_EVENT_STREAM_VALUE,
            schema = @Schema(type = "string"), examples = @ExampleObject(value = EXAMPLE_STREAM)))
    @ApiResponse(responseCode = "400", description = "A prefix longer than 1024 bytes, watch other than true, a timeout "
            + "that is not a positive number, or a malformed Last-Event-ID",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "429", description = "dht.watch.max-subscribers watches are open on this node; see Retry-After",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "This node is not in the ring yet; see Retry-After",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @GetMapping(path = "/keys", params = "watch", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter watch(@Parameter(description = "What the keys start with, at most 1024 bytes of UTF-8; empty or absent for every key",
                             example = "user:") @RequestParam(defaultValue = "") String prefix,
                     @Parameter(description = "true: a watch rather than a listing", required = true,
                             schema = @Schema(type = "string", allowableValues = "true")) @RequestParam String watch,
                     @Parameter(description = "Seconds after which the stream ends (default: dht.watch.max-lifetime)",
                             schema = @Schema(type = "integer", minimum = "1")) @RequestParam(required = false) Long timeout,
                     @Parameter(description = "The id of the last event received: the watch resumes after it",
                             schema = @Schema(type = "string", pattern = "^[0-9a-f]{16}-[0-9a-f]{16}$"))
                     @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) throws IOException {
        WatchProblems.requireWatch(watch);
        if (timeout != null) {
            WatchProblems.requirePositive("timeout", timeout);
        }
        return watches.open(WatchProblems.validPrefix(prefix), Optional.ofNullable(lastEventId).map(WatchProblems::validLastEventId),
                timeout == null ? Duration.ofDays(365) : Duration.ofSeconds(timeout));
    }
}
