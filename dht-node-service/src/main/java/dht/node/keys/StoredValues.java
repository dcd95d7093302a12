package dht.node.keys;

import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import java.util.Locale;
import java.util.Set;

/**
 * A stored value is whatever a client sent, served from the node's own origin: were it HTML or SVG
 * with a script, a browser would run that script with the right to call the node (and, on loopback,
 * every cluster endpoint). So, as object stores do, values are served in a sandbox with their type
 * taken as given, and types a browser would render actively are downloads rather than pages.
 */
final class StoredValues {

    static final String SANDBOX = "sandbox";

    /** Active types no rule below covers: any {@code +xml} type (SVG, XHTML) and any JavaScript or ECMAScript one is active too. */
    private static final Set<String> ACTIVE_TYPES = Set.of("text/html", "text/xml", "application/xml", "text/xsl", "text/jscript");

    private StoredValues() {
    }

    /**
     * The Content-Type to store and answer reads with: a wildcard such as {@code *}{@code /*} (what a
     * client sends that does not know) names no type a response can carry, so it is stored as
     * {@code application/octet-stream}, as an absent one is.
     *
     * @throws org.springframework.http.InvalidMediaTypeException for what is no media type
     */
    static String typeToStore(String sent) {
        if (sent == null) {
            return MediaType.APPLICATION_OCTET_STREAM_VALUE;
        }
        MediaType type = MediaType.parseMediaType(sent);
        return type.isWildcardType() || type.isWildcardSubtype() ? MediaType.APPLICATION_OCTET_STREAM_VALUE : sent;
    }

    /** A value's {@code response}, of {@code type}, with the headers that keep a browser from running the value. */
    static ResponseEntity.BodyBuilder guarded(ResponseEntity.BodyBuilder response, MediaType type) {
        return response.contentType(type).headers(headers -> {
            headers.set("Content-Security-Policy", SANDBOX);
            headers.set("X-Content-Type-Options", "nosniff");
            if (active(type)) {
                headers.setContentDisposition(ContentDisposition.attachment().build());
            }
        });
    }

    private static boolean active(MediaType type) {
        if (type == null) {
            return false;
        }
        String name = (type.getType() + "/" + type.getSubtype()).toLowerCase(Locale.ROOT);
        return ACTIVE_TYPES.contains(name) || name.endsWith("+xml") || name.contains("javascript") || name.contains("ecmascript");
    }
}
