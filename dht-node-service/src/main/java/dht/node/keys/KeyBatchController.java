package dht.node.keys;

import dht.core.Key;
import dht.core.wire.DhtHeaders;
import dht.core.wire.KeyBatch;
import dht.core.wire.KeyBatchResults;
import dht.core.wire.KeyBatchResults.KeyResult;
import dht.node.config.NodeProperties;
import dht.node.keys.KeyBatchService.Item;
import dht.node.peer.KeyFailure;
import dht.node.peer.KeyOptions;
import dht.node.peer.KeyOutcome;
import dht.node.peer.KeyRequest;
import dht.node.security.KeyWriteAccess;
import dht.node.web.FailureProblems;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

@Tag(name = "Keys", description = "Any node serves any key: what it does not own it forwards toward the owner")
@RestController
@RequestMapping("/keys")
class KeyBatchController {

    private static final String PROBLEM_JSON = "application/problem+json";

    private final KeyBatchService batches;
    private final NodeProperties properties;
    private final ForwardingHeaders forwarding;
    private final KeyWriteAccess writeAccess;
    private final JsonMapper json;

    KeyBatchController(KeyBatchService batches, NodeProperties properties, ForwardingHeaders forwarding, KeyWriteAccess writeAccess,
                       JsonMapper jsonMapper) {
        this.batches = batches;
        this.properties = properties;
        this.forwarding = forwarding;
        this.writeAccess = writeAccess;
        // a batch is judged as a whole before any key is served: what it does not say exactly is refused
        this.json = jsonMapper.rebuild()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                // a key is a JSON string: a number or boolean in its place is a mistake, not a key
                .withCoercionConfig(LogicalType.Textual, strings -> strings
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
    }

    @Operation(summary = "Read, write or delete many keys", description = "Exactly one of get (keys), put ({key, value "
            + "in base64, contentType}) or delete (keys), 1 to " + KeyBatch.MAX_KEYS + " keys and at most 4 MiB. Each key is "
            + "served as its own request would be, in parallel, and answered in the batch's order with its own status: a "
            + "read's 200 with the value in base64 (404 when absent), a write's 201 new or 200 replaced, a delete's 204 "
            + "(404 when absent), or the problem its own request would have had (400 bad key or value, 413 value too "
            + "large, 502, 503, 504 when its replicas could not be reached in time). A key's failure fails no other key. "
            + "A write batch may name each key once; a write or delete answered 503 or 504 may or may not have been applied.")
    @ApiResponse(responseCode = "200", description = "One result per key, in the batch's order, each with its own status",
            headers = @Header(name = DhtHeaders.HOPS, description = "Always 0: a batch is served where it comes in, its keys "
                    + "forwarded one by one", schema = @Schema(type = "integer", minimum = "0")),
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = KeyBatchResults.class),
                    examples = {
                            @ExampleObject(name = "get", summary = "A read batch: a value, an absent key, a bad key", value = """
                                    {"results":[
                                      {"key":"user:42","status":200,"value":"eyJuYW1lIjoiQWRhIn0=","contentType":"application/json",
                                       "version":"0000019a7b2c4d5e-00c3f22a00000000","owner":"00c3f22a00000000"},
                                      {"key":"user:43","status":404,"title":"Key not found","detail":"No value is stored under this key."},
                                      {"key":"","status":400,"title":"Invalid key","detail":"A key is 1 to 1024 bytes of UTF-8."}]}"""),
                            @ExampleObject(name = "put", summary = "A write batch: a new key, a replaced one, a bad value", value = """
                                    {"results":[
                                      {"key":"user:42","status":200,"version":"0000019a7b2c4d5f-00c3f22a00000000","owner":"00c3f22a00000000"},
                                      {"key":"user:44","status":201,"version":"0000019a7b2c4d60-00c3f22a00000000","owner":"8877c799045ba648"},
                                      {"key":"user:45","status":400,"title":"Invalid value","detail":"The value is not base64 (RFC 4648, with padding)."}]}""")}))
    @ApiResponse(responseCode = "400", description = "Not a batch: not JSON, none or more than one of get, put and delete, "
            + "no keys or more than " + KeyBatch.MAX_KEYS + ", an entry missing, a key twice in a write batch, or a quorum "
            + "outside 1 to the replication factor; nothing was applied",
            content = @Content(mediaType = PROBLEM_JSON, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "403", description = "The credential does not allow this request: a write or delete batch "
            + "needs a read-write API key; nothing was applied",
            content = @Content(mediaType = PROBLEM_JSON, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "413", description = "The batch is larger than 4 MiB; nothing was applied",
            content = @Content(mediaType = PROBLEM_JSON, schema = @Schema(implementation = ProblemDetail.class)))
    @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true, description = "The keys, and for a write their values",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE, schema = @Schema(implementation = KeyBatch.class),
                    examples = {
                            @ExampleObject(name = "get", summary = "Read three keys", value = """
                                    {"get":["user:42","user:43","a/b"]}"""),
                            @ExampleObject(name = "put", summary = "Write two keys (values in base64)", value = """
                                    {"put":[{"key":"user:42","value":"eyJuYW1lIjoiQWRhIn0=","contentType":"application/json"},
                                            {"key":"user:44","value":"aGVsbG8="}]}"""),
                            @ExampleObject(name = "delete", summary = "Delete two keys", value = """
                                    {"delete":["user:42","user:44"]}""")}))
    @PostMapping(path = "/batch", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<KeyBatchResults> batch(
            @Parameter(description = "Copies each read consults, the owner's included (default dht.read-quorum)") @RequestParam(name = "r", required = false) Integer r,
            @Parameter(description = "Copies that must confirm each write or delete, the owner's included (default dht.write-quorum)") @RequestParam(name = "w", required = false) Integer w,
            HttpServletRequest request) throws IOException {
        KeyBatch batch = parse(boundedBody(request));
        KeyOptions options = new KeyOptions(KeyProblems.requireQuorum("w", w, properties.replicationFactor()),
                KeyProblems.requireQuorum("r", r, properties.replicationFactor()), null, null);
        Instant deadline = forwarding.deadline(request);
        HttpMethod method;
        List<Item> items;
        if (batch.get() != null) {
            method = HttpMethod.GET;
            items = batch.get().stream().map(key -> item(key, valid -> KeyRequest.read(valid, 0, deadline, options))).toList();
        } else {
            writeAccess.require(request);
            if (batch.put() != null) {
                method = HttpMethod.PUT;
                items = batch.put().stream().map(put -> item(put.key(), valid -> KeyRequest.write(valid, 0, deadline,
                        value(put.value()), contentType(put.contentType()), options))).toList();
            } else {
                method = HttpMethod.DELETE;
                items = batch.delete().stream().map(key -> item(key, valid -> KeyRequest.delete(valid, 0, deadline, options))).toList();
            }
        }
        List<KeyResult> results = batches.serve(method, items, deadline).stream().map(KeyBatchController::result).toList();
        return ResponseEntity.ok().headers(KeyHeaders.of(null, 0)).body(new KeyBatchResults(results));
    }

    /** A key's request, or the refusal of a bad key, value or content type: that key's own 400 or 413. */
    private static Item item(String key, KeyRequestMaker request) {
        Key valid;
        try {
            valid = Key.of(key);
        } catch (IllegalArgumentException invalid) {
            return Item.refused(key, KeyProblems.invalidKey(invalid.getMessage()));
        }
        try {
            return Item.of(request.make(valid));
        } catch (ErrorResponseException refused) {
            return Item.refused(key, refused);
        }
    }

    @FunctionalInterface
    private interface KeyRequestMaker {
        KeyRequest make(Key key);
    }

    private byte[] value(String base64) {
        byte[] value;
        try {
            value = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException notBase64) {
            throw KeyProblems.invalidValue("The value is not base64 (RFC 4648, with padding).");
        }
        if (value.length > properties.maxValueBytesAsInt()) {
            throw KeyProblems.tooLarge(properties.maxValueBytesAsInt());
        }
        return value;
    }

    private static String contentType(String sent) {
        try {
            return StoredValues.typeToStore(sent);
        } catch (InvalidMediaTypeException invalid) {
            throw KeyProblems.invalidContentType("The content type is no media type (type/subtype).");
        }
    }

    /** A key's result as the batch answers it: its outcome, or the problem its own request would have been answered with. */
    private static KeyResult result(KeyBatchService.Result result) {
        String key = result.key();
        if (result.failure() != null) {
            ProblemDetail problem = FailureProblems.of(result.failure()).getBody();
            Object requestId = problem.getProperties() == null ? null : problem.getProperties().get("requestId");
            return new KeyResult(key, problem.getStatus(), null, null, null,
                    result.failure() instanceof KeyFailure failure ? failure.owner() : null,
                    problem.getTitle(), problem.getDetail(), requestId == null ? null : requestId.toString());
        }
        return switch (result.outcome()) {
            case KeyOutcome.Found found -> new KeyResult(key, HttpStatus.OK.value(),
                    Base64.getEncoder().encodeToString(found.entry().value()), found.entry().contentType(),
                    found.entry().version(), found.owner(), null, null, null);
            case KeyOutcome.Stored stored -> new KeyResult(key, (stored.created() ? HttpStatus.CREATED : HttpStatus.OK).value(),
                    null, null, stored.version(), stored.owner(), null, null, null);
            case KeyOutcome.Deleted deleted -> new KeyResult(key, HttpStatus.NO_CONTENT.value(), null, null, null, deleted.owner(),
                    null, null, null);
        };
    }

    /**
     * The batch, judged as a whole: exactly one of get, put and delete, 1 to {@value KeyBatch#MAX_KEYS}
     * entries, none of them null, each key once in a write or delete. Anything else refuses the whole
     * batch before any key is served.
     */
    private KeyBatch parse(byte[] body) {
        KeyBatch batch;
        try {
            batch = json.readValue(body, KeyBatch.class);
        } catch (JacksonException notABatch) {
            throw invalidBatch("The body is not a batch: a JSON object with exactly one of get, put and delete.");
        }
        if (batch == null) {
            throw invalidBatch("The body is not a batch: a JSON object with exactly one of get, put and delete.");
        }
        List<?> entries = only(batch);
        if (entries.isEmpty() || entries.size() > KeyBatch.MAX_KEYS) {
            throw invalidBatch("A batch holds 1 to " + KeyBatch.MAX_KEYS + " keys; this one holds " + entries.size() + ".");
        }
        if (entries.contains(null)) {
            throw invalidBatch("A batch's entries are keys (put: objects with key and value), never null.");
        }
        if (batch.put() != null && batch.put().stream().anyMatch(put -> put.key() == null || put.value() == null)) {
            throw invalidBatch("Every put names a key and a value (base64).");
        }
        List<String> written = batch.put() != null ? batch.put().stream().map(KeyBatch.KeyPut::key).toList() : batch.delete();
        if (written != null) {
            Set<String> seen = new HashSet<>();
            written.stream().filter(key -> !seen.add(key)).findFirst().ifPresent(twice -> {
                throw invalidBatch("A write or delete batch names each key once; one key is there twice.");
            });
        }
        return batch;
    }

    private static List<?> only(KeyBatch batch) {
        List<List<?>> given = Stream.<List<?>>of(batch.get(), batch.put(), batch.delete()).filter(Objects::nonNull).toList();
        if (given.size() != 1) {
            throw invalidBatch("A batch holds exactly one of get, put and delete; this one holds " + given.size() + ".");
        }
        return given.getFirst();
    }

    private static ErrorResponseException invalidBatch(String why) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, why);
        problem.setTitle("Invalid batch");
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
    }

    /** The body, refused as soon as it is known to be larger than a batch may be: by its length, or while reading. */
    private static byte[] boundedBody(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() > KeyBatch.MAX_BYTES) {
            throw batchTooLarge();
        }
        try (InputStream body = request.getInputStream()) {
            byte[] read = body.readNBytes(KeyBatch.MAX_BYTES + 1);
            if (read.length > KeyBatch.MAX_BYTES) {
                throw batchTooLarge();
            }
            return read;
        }
    }

    private static ErrorResponseException batchTooLarge() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
                "A batch may hold at most " + KeyBatch.MAX_BYTES + " bytes (4 MiB).");
        problem.setTitle("Batch too large");
        return new ErrorResponseException(HttpStatus.CONTENT_TOO_LARGE, problem, null);
    }
}
