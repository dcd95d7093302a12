package dht.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Copies of a text with one deliberate mistake each, for the tests that show a mistake is caught. */
final class Mutations {

    private Mutations() {
    }

    /**
     * One copy of {@code text} per occurrence of {@code target} outside comment lines (those that
     * start with {@code #}), with only that occurrence replaced.
     */
    static List<String> eachOccurrenceReplaced(String text, String target, String replacement) {
        List<String> copies = new ArrayList<>();
        for (int at = text.indexOf(target); at >= 0; at = text.indexOf(target, at + 1)) {
            int lineStart = text.lastIndexOf('\n', at - 1) + 1;
            if (text.substring(lineStart, at).strip().startsWith("#")) {
                continue;
            }
            copies.add(text.substring(0, at) + replacement + text.substring(at + target.length()));
        }
        return copies;
    }

    /**
     * Asserts that {@code right} occurs in {@code text} and that the validation of every copy with
     * one occurrence changed to {@code wrong} reports a problem that {@code expected} accepts.
     */
    static void assertEachRejected(String text, String right, String wrong,
                                   Function<String, List<String>> validation, Predicate<String> expected) {
        List<String> copies = eachOccurrenceReplaced(text, right, wrong);
        assertThat(copies).as("occurrences of %s", right).isNotEmpty();
        for (String copy : copies) {
            assertThat(validation.apply(copy)).as("problems with %s instead of %s", wrong, right).anyMatch(expected);
        }
    }
}
