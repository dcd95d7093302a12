package dht.node.web;

import dht.core.KeyRange;
import dht.core.NodeRef;
import dht.core.wire.DigestRequest;
import dht.core.wire.EntryCodec;
import dht.core.wire.Handover;
import dht.core.wire.JoinRequest;
import dht.core.wire.RegisterRequest;
import dht.core.wire.StoreCursor;
import dht.core.wire.TransferRequest;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The wire records the internal endpoints read, checked as soon as they are read: every field
 * present, addresses {@code host:port}, cursors with keys of at most 1024 bytes, a sane page size
 * and digest size.
 * What fails is a {@code 400} problem before any handler runs, so nothing is changed.
 */
@RestControllerAdvice
class WireChecks extends RequestBodyAdviceAdapter {

    static final int MAX_KEY_BYTES = 1024;
    /** Arcs of a range digest: each is a hash to compute and send back. */
    static final int MAX_DIGEST_PARTS = 65_536;

    private static final Pattern ADDRESS = Pattern.compile(RegisterRequest.ADDRESS);
    private static final Set<Class<?>> CHECKED = Set.of(NodeRef.class, JoinRequest.class, Handover.class, TransferRequest.class, DigestRequest.class);

    @Override
    public boolean supports(MethodParameter parameter, Type targetType, Class<? extends HttpMessageConverter<?>> converterType) {
        return CHECKED.contains(parameter.getParameterType());
    }

    @Override
    public Object afterBodyRead(Object body, HttpInputMessage message, MethodParameter parameter, Type targetType,
                                Class<? extends HttpMessageConverter<?>> converterType) {
        switch (body) {
            case NodeRef node -> node("node", node);
            case JoinRequest join -> {
                node("joiner", join.joiner());
                node("successor", join.successor());
                if (join.node() != null) {
                    node("node", join.node());
                }
            }
            case Handover handover -> {
                node("from", handover.from());
                node("successor", handover.successor());
                range(handover.range());
            }
            case TransferRequest transfer -> {
                range(transfer.range());
                cursor("after", transfer.after());
                cursor("confirmedThrough", transfer.confirmedThrough());
                require(transfer.limit() >= 0 && transfer.limit() <= EntryCodec.MAX_BATCH_ENTRIES,
                        "limit is 0 to " + EntryCodec.MAX_BATCH_ENTRIES + ".");
            }
            case DigestRequest digest -> {
                range(digest.range());
                require(digest.parts() >= 1 && digest.parts() <= MAX_DIGEST_PARTS, "parts is 1 to " + MAX_DIGEST_PARTS + ".");
            }
            default -> {
            }
        }
        return body;
    }

    private static void node(String field, NodeRef node) {
        require(node != null, field + " is missing.");
        require(node.address() != null, field + ".address is missing.");
        require(ADDRESS.matcher(node.address()).matches(), field + ".address must be host:port.");
    }

    private static void range(KeyRange range) {
        require(range != null, "range is missing.");
    }

    private static void cursor(String field, StoreCursor cursor) {
        if (cursor != null) {
            require(cursor.position() != null && cursor.key() != null, field + " needs a position and a key.");
            require(!cursor.key().isEmpty() && cursor.key().getBytes(StandardCharsets.UTF_8).length <= MAX_KEY_BYTES,
                    field + ".key is 1 to " + MAX_KEY_BYTES + " bytes of UTF-8.");
        }
    }

    private static void require(boolean valid, String detail) {
        if (!valid) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
            problem.setTitle("Invalid request");
            throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
        }
    }
}
