package dht.node.keys;

import dht.core.Expiry;
import dht.core.Key;
import dht.core.wire.DhtHeaders;
import dht.core.wire.KeyWritten;
import dht.node.config.NodeProperties;
import dht.node.peer.KeyOptions;
import dht.node.peer.KeyOutcome;
import dht.node.peer.KeyRequest;
import dht.node.time.NodeScheduler;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

@Tag(name = "Keys", description = "Any node serves any key: what it does not own it forwards toward the owner")
@RestController
@RequestMapping("/keys")
class KeysController {

    /**
     * The key is documented on each method rather than on its parameter: every request converts the
     * path variable, and the conversion compares the parameter's annotations, a nested {@code @Parameter}
     * at length.
     */
    private static final String KEY = "Any UTF-8 key of 1 to 1024 bytes; '/' sent as %2F";
    private static final String WRITE_QUORUM = "Copies that must confirm the write, the owner's included (default dht.write-quorum)";
    private static final String IF_MATCH = "Apply only if the key's current ETag is one of these (or * for any value): compare-and-set";
    private static final String IF_NONE_MATCH = "* to apply only if the key has no value: create-if-absent";
    private static final String VERSION = "The value's version, for If-Match and If-None-Match";
    private static final String OWNER = "ID of the node that owns the key";
    private static final String TTL = "Seconds the value lives, a positive whole number; from then on the key reads as absent "
            + "everywhere. Without it the value is permanent, also when it replaces an expiring one";
    private static final String EXPIRES = "When the value expires (RFC 3339, UTC); absent on a permanent value";
    private static final String HOPS = "Forwards between nodes before the request was served";
    private static final String HEX_ID = "^[0-9a-f]{16}$";
    /** Any JSON value, described where the node's documents are made (NodeApiDocumentation). */
    private static final String JSON_VALUE = "#/components/schemas/JsonValue";

    private final KeyService keys;
    private final NodeProperties properties;
    private final ForwardingHeaders forwarding;
    private final NodeScheduler scheduler;

    KeysController(KeyService keys, NodeProperties properties, ForwardingHeaders forwarding, NodeScheduler scheduler) {
        this.keys = keys;
        this.scheduler = scheduler;
        this.forwarding = forwarding;
        this.properties = properties;
    }

    @Operation(summary = "Read a key", description = "Answers the stored bytes with the stored Content-Type and an ETag, "
            + "sandboxed (Content-Security-Policy: sandbox, X-Content-Type-Options: nosniff) and, for types a browser "
            + "would run (HTML, SVG, XML, JavaScript), as an attachment.")
    @ApiResponse(responseCode = "200", description = "The value, with the Content-Type it was stored with", headers = {
            @Header(name = HttpHeaders.ETAG, description = VERSION, schema = @Schema(type = "string")),
            @Header(name = DhtHeaders.EXPIRES, description = EXPIRES, schema = @Schema(type = "string", format = "date-time",
                    example = "2026-12-05T04:00:00Z")),
            @Header(name = DhtHeaders.OWNER, description = OWNER, schema = @Schema(type = "string", pattern = HEX_ID)),
            @Header(name = DhtHeaders.HOPS, description = HOPS, schema = @Schema(type = "integer", minimum = "0"))},
            content = {
                    // binary first: what a generated client takes a value as; JSON values parsed, anything else as bytes
                    @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE, schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(ref = JSON_VALUE)),
                    @Content(mediaType = MediaType.ALL_VALUE, schema = @Schema(type = "string", format = "binary"))})
    @ApiResponse(responseCode = "400", description = "Empty key or longer than 1024 bytes", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "404", description = "No value under this key", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "502", description = "A node on the way could not be reached", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "This node is not in the ring yet; see Retry-After", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "504", description = "A node on the way did not answer in time", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @Parameter(name = "key", in = ParameterIn.PATH, description = KEY, example = "user:42")
    @GetMapping("/{key}")
    ResponseEntity<?> get(@PathVariable String key,
                          @Parameter(description = "Copies to consult, the owner's included (default dht.read-quorum)") @RequestParam(name = "r", required = false) Integer r,
                          HttpServletRequest request) {
        return answer(keys.get(KeyRequest.read(validKey(key), forwarding.hops(request), forwarding.deadline(request),
                options(null, r, null, null))));
    }

    @Operation(summary = "Write a key", description = "Stores the body as opaque bytes together with its Content-Type "
            + "(application/octet-stream when absent).")
    @ApiResponse(responseCode = "201", description = "A new key", headers = {
            @Header(name = HttpHeaders.ETAG, description = VERSION, schema = @Schema(type = "string")),
            @Header(name = DhtHeaders.OWNER, description = OWNER, schema = @Schema(type = "string", pattern = HEX_ID)),
            @Header(name = DhtHeaders.HOPS, description = HOPS, schema = @Schema(type = "integer", minimum = "0"))},
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = KeyWritten.class)))
    @ApiResponse(responseCode = "200", description = "The key's value was replaced", headers = {
            @Header(name = HttpHeaders.ETAG, description = VERSION, schema = @Schema(type = "string")),
            @Header(name = DhtHeaders.OWNER, description = OWNER, schema = @Schema(type = "string", pattern = HEX_ID)),
            @Header(name = DhtHeaders.HOPS, description = HOPS, schema = @Schema(type = "integer", minimum = "0"))},
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = KeyWritten.class)))
    @ApiResponse(responseCode = "400", description = "Empty key or longer than 1024 bytes, or a ttl that is no positive whole number of seconds", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "412", description = "If-Match or If-None-Match did not hold; ETag names the current version", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "413", description = "The value is larger than dht.max-value-bytes", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "502", description = "A node on the way could not be reached", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "This node is not in the ring yet; see Retry-After", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "504", description = "A node on the way did not answer in time", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @io.swagger.v3.oas.annotations.parameters.RequestBody(description = "The value: any bytes, stored with their Content-Type",
            content = {
                    // binary first: what a generated client sends a value as
                    @Content(mediaType = MediaType.APPLICATION_OCTET_STREAM_VALUE, schema = @Schema(type = "string", format = "binary")),
                    @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(ref = JSON_VALUE)),
                    @Content(mediaType = MediaType.TEXT_PLAIN_VALUE, schema = @Schema(type = "string")),
                    @Content(mediaType = MediaType.ALL_VALUE, schema = @Schema(type = "string", format = "binary"))})
    @Parameter(name = "key", in = ParameterIn.PATH, description = KEY, example = "user:42")
    @PutMapping(path = "/{key}", consumes = MediaType.ALL_VALUE)
    ResponseEntity<?> put(@PathVariable String key,
                          @Parameter(description = WRITE_QUORUM) @RequestParam(name = "w", required = false) Integer w,
                          @Parameter(description = TTL, schema = @Schema(type = "integer", format = "int64", minimum = "1", example = "3600"))
                          @RequestParam(name = "ttl", required = false) String ttl,
                          @Parameter(description = IF_MATCH) @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                          @Parameter(description = IF_NONE_MATCH) @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
                          HttpServletRequest request) throws IOException {
        Key validKey = validKey(key);
        KeyOptions options = options(w, null, ifMatch, ifNoneMatch).withTtl(validTtl(ttl));
        String contentType = StoredValues.typeToStore(request.getContentType());
        return answer(keys.put(KeyRequest.write(validKey, forwarding.hops(request), forwarding.deadline(request),
                boundedBody(request), contentType, options)));
    }

    @Operation(summary = "Delete a key")
    @ApiResponse(responseCode = "204", description = "Deleted", headers = {
            @Header(name = DhtHeaders.OWNER, description = OWNER, schema = @Schema(type = "string", pattern = HEX_ID)),
            @Header(name = DhtHeaders.HOPS, description = HOPS, schema = @Schema(type = "integer", minimum = "0"))},
            content = @Content)
    @ApiResponse(responseCode = "400", description = "Empty key or longer than 1024 bytes", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "404", description = "No value under this key", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "412", description = "If-Match or If-None-Match did not hold; ETag names the current version", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "This node is not in the ring yet, or too few copies confirmed in time; see Retry-After", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @Parameter(name = "key", in = ParameterIn.PATH, description = KEY, example = "user:42")
    @DeleteMapping("/{key}")
    ResponseEntity<?> delete(@PathVariable String key,
                             @Parameter(description = WRITE_QUORUM) @RequestParam(name = "w", required = false) Integer w,
                             @Parameter(description = IF_MATCH) @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                             @Parameter(description = IF_NONE_MATCH) @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch,
                             HttpServletRequest request) {
        return answer(keys.delete(KeyRequest.delete(validKey(key), forwarding.hops(request), forwarding.deadline(request),
                options(w, null, ifMatch, ifNoneMatch))));
    }

    /**
     * Always 400: a key has at least one byte. No operation of the documents: a path without a key is none of the
     * API's, except {@code GET /keys}, the listing ({@link ListingController}), which Spring prefers for its narrower mapping.
     */
    @Operation(hidden = true)
    @RequestMapping(path = {"", "/"})
    ResponseEntity<?> emptyKey() {
        throw KeyProblems.invalidKey("The key is empty; a key is 1 to " + Key.MAX_BYTES + " bytes of UTF-8.");
    }

    /** What a key request ended in, as HTTP: a value sandboxed (with its expiry, if it has one), a write's version, or no content. */
    private static ResponseEntity<?> answer(KeyOutcome outcome) {
        // the headers are set on the builder's own: each copy of them costs on every request
        Consumer<HttpHeaders> ring = headers -> KeyHeaders.set(headers, outcome.owner(), outcome.hops());
        return switch (outcome) {
            case KeyOutcome.Found found -> StoredValues.guarded(ResponseEntity.ok().headers(ring)
                            .headers(expiry -> found.entry().expires().ifPresent(at -> expiry.set(DhtHeaders.EXPIRES, at.toString()))),
                            MediaType.parseMediaType(found.entry().contentType()))
                    .eTag(found.entry().version().toString())
                    .body(found.entry().value());
            case KeyOutcome.Stored stored -> ResponseEntity.status(stored.created() ? HttpStatus.CREATED : HttpStatus.OK)
                    .headers(ring)
                    .eTag(stored.version().toString())
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(new KeyWritten(stored.key().value(), stored.key().position(), stored.owner(), stored.version()));
            case KeyOutcome.Deleted deleted -> ResponseEntity.noContent().headers(ring).build();
        };
    }

    private KeyOptions options(Integer w, Integer r, String ifMatch, String ifNoneMatch) {
        return new KeyOptions(validQuorum("w", w), validQuorum("r", r), ifMatch, ifNoneMatch);
    }

    /**
     * The seconds a written value lives, as sent ({@code ?ttl=}); null for a permanent value. Refused
     * unless a positive whole number whose expiry RFC 3339 can still write.
     */
    private Long validTtl(String ttl) {
        if (ttl == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(ttl.strip());
            Expiry.after(scheduler.now(), seconds);
            return seconds;
        } catch (NumberFormatException notANumber) {
            throw KeyProblems.invalidTtl("?ttl=" + ttl + " is not a whole number of seconds.");
        } catch (IllegalArgumentException outOfRange) {
            throw KeyProblems.invalidTtl("?ttl=" + ttl + " is out of range: " + outOfRange.getMessage() + ".");
        }
    }

    private Integer validQuorum(String parameter, Integer copies) {
        return KeyProblems.requireQuorum(parameter, copies, properties.replicationFactor());
    }

    private static Key validKey(String key) {
        try {
            return Key.of(key);
        } catch (IllegalArgumentException invalid) {
            throw KeyProblems.invalidKey(invalid.getMessage());
        }
    }

    /** The body, refused as soon as it is known to be too large: by its length, or while reading. */
    private byte[] boundedBody(HttpServletRequest request) throws IOException {
        int max = properties.maxValueBytesAsInt();
        if (request.getContentLengthLong() > max) {
            throw KeyProblems.tooLarge(max);
        }
        try (InputStream body = request.getInputStream()) {
            byte[] value = body.readNBytes(max + 1);
            if (value.length > max) {
                throw KeyProblems.tooLarge(max);
            }
            return value;
        }
    }
}
