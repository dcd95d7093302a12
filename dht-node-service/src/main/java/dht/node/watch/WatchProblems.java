package dht.node.watch;

import dht.core.Key;
import dht.core.Version;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

import java.nio.charset.StandardCharsets;

/** What a watch, or a member's read of a change log, is refused for before it starts. */
final class WatchProblems {

    private WatchProblems() {
    }

    /** A prefix is what a key starts with: any UTF-8 string of at most a key's length, empty for every key. */
    static String validPrefix(String prefix) {
        if (prefix.getBytes(StandardCharsets.UTF_8).length > Key.MAX_BYTES) {
            throw badRequest("Invalid prefix", "A prefix is at most " + Key.MAX_BYTES + " bytes of UTF-8.");
        }
        return prefix;
    }

    static void requireWatch(String watch) {
        if (!"true".equals(watch)) {
            throw badRequest("Invalid watch", "watch=" + watch + " is not 'true'; leave it out to list keys.");
        }
    }

    static Version validLastEventId(String lastEventId) {
        try {
            return Version.parse(lastEventId);
        } catch (IllegalArgumentException e) {
            throw badRequest("Invalid Last-Event-ID", "Last-Event-ID is the id of an event of a watch: a version, "
                    + "<16 hex digits>-<16 hex digits>.");
        }
    }

    static void requirePositive(String parameter, long value) {
        if (value < 1) {
            throw badRequest("Invalid " + parameter, parameter + "=" + value + " is not a positive number.");
        }
    }

    private static ErrorResponseException badRequest(String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setTitle(title);
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null);
    }
}
