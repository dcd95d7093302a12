package dht.node.watch;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.http.MediaType;
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

    private final KeyWatches watches;

    WatchController(KeyWatches watches) {
        this.watches = watches;
    }

    /**
     * Documented with the listing ({@code ListingController}), as one operation: OpenAPI knows one GET
     * per path, and a document with two would keep only one of them.
     */
    @Operation(hidden = true)
    @GetMapping(path = "/keys", params = "watch", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter watch(@RequestParam(defaultValue = "") String prefix,
                     @RequestParam String watch,
                     @RequestParam(required = false) Long timeout,
                     @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) throws IOException {
        WatchProblems.requireWatch(watch);
        if (timeout != null) {
            WatchProblems.requirePositive("timeout", timeout);
        }
        return watches.open(WatchProblems.validPrefix(prefix), Optional.ofNullable(lastEventId).map(WatchProblems::validLastEventId),
                timeout == null ? Duration.ofDays(365) : Duration.ofSeconds(timeout));
    }
}
