package dht.simulation;

import java.util.ArrayList;
import java.util.List;

/** What a run found wrong, in the order found, each with the simulated time it was found at. */
final class Violations {

    private final EventLoop loop;
    private final List<String> found = new ArrayList<>();

    Violations(EventLoop loop) {
        this.loop = loop;
    }

    void add(String format, Object... arguments) {
        found.add("at " + loop.elapsedMillis() + " ms: " + String.format(format, arguments));
    }

    boolean any() {
        return !found.isEmpty();
    }

    List<String> all() {
        return List.copyOf(found);
    }
}
