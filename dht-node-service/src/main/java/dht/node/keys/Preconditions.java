package dht.node.keys;

import dht.core.wire.Entry;
import dht.node.peer.KeyOptions;
import org.springframework.http.ETag;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The conditions of a compare-and-set (RFC 9110 section 13.1), evaluated at the owner against the
 * value it holds. ETags compare strongly: a weak tag never matches, since a version names exactly
 * one stored value.
 */
final class Preconditions {

    private Preconditions() {
    }

    /** Whether the conditions hold against the key's {@code current} copy at {@code now}: deleted or expired, it has no value. */
    static boolean hold(KeyOptions options, Optional<Entry> current, Instant now) {
        Optional<String> version = current.filter(entry -> entry.liveAt(now)).map(entry -> entry.version().toString());
        if (options.ifMatch() != null && (version.isEmpty() || !matches(options.ifMatch(), version.get()))) {
            return false;
        }
        return options.ifNoneMatch() == null || version.isEmpty() || !matches(options.ifNoneMatch(), version.get());
    }

    private static boolean matches(String header, String version) {
        List<ETag> tags = ETag.parse(header);
        return tags.stream().anyMatch(tag -> tag.isWildcard() || (!tag.weak() && tag.tag().equals(version)));
    }
}
