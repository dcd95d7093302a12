package dht.node.watch;

import dht.core.wire.ChangePage;
import dht.core.wire.ChangeQuery;
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

import java.time.Duration;

@Tag(name = "Internal: watches", description = "The changes a node applied, read by the node that serves a watch on keys; not for clients")
@RestController
class ChangesController {

    /** A member holds a read at most this long, whatever it is asked: a long wait would hold up its shutdown. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(10);

    private final ChangeLog log;

    ChangesController(ChangeLog log) {
        this.log = log;
    }

    @Operation(summary = "Read the change log", description = "The changes this node applied to keys under the prefix: "
            + "after a position of its log (epoch and after), or with versions later than a clock reading (since), or, "
            + "with neither, none yet and the position of the log's end. Held up to 'wait' while there is none; "
            + "'reset' when the log no longer reaches back that far.")
    @ApiResponse(responseCode = "200", description = "A page of changes", content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
            schema = @Schema(implementation = ChangePage.class)))
    @ApiResponse(responseCode = "400", description = "A prefix longer than 1024 bytes, or a malformed number",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @GetMapping(path = "/internal/changes", produces = MediaType.APPLICATION_JSON_VALUE)
    ChangePage changes(@Parameter(description = "What the keys start with") @RequestParam(defaultValue = "") String prefix,
                       @Parameter(description = "The log the position is of") @RequestParam(required = false) Long epoch,
                       @Parameter(description = "The position to read after") @RequestParam(required = false) Long after,
                       @Parameter(description = "A hybrid clock reading: the changes with later versions") @RequestParam(required = false) Long since,
                       @Parameter(description = "Milliseconds to wait for a change") @RequestParam(defaultValue = "0") long wait)
            throws InterruptedException {
        Duration waiting = Duration.ofMillis(Math.max(0, wait));
        return log.read(new ChangeQuery(WatchProblems.validPrefix(prefix), epoch, after, since),
                waiting.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : waiting);
    }
}
