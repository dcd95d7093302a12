package dht.cli;

import java.time.Duration;

final class Durations {

    private Durations() {
    }

    /** {@code 500ms}, {@code 5s}, {@code 2m}: as an operator writes it. */
    static String format(Duration duration) {
        if (duration.toMillisPart() != 0 || duration.toSeconds() == 0) {
            return duration.toMillis() + "ms";
        }
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }
}
