package dht.simulation;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

/**
 * What goes wrong in a run, all drawn from the run's seed: messages lost before or after they
 * reach their peer, delays on the wire, nodes cut off from every other node and from the
 * registry, and the jitter that reorders tasks due together.
 */
final class Faults {

    private final Random random;
    private final double lossRate;
    private final Set<String> isolated = new HashSet<>();
    private boolean calm;

    Faults(Random random, double lossRate) {
        this.random = random;
        this.lossRate = lossRate;
    }

    Random random() {
        return random;
    }

    double lossRate() {
        return lossRate;
    }

    /** From here on nothing goes wrong: no message is lost, no node is cut off. */
    void calm() {
        calm = true;
        isolated.clear();
    }

    boolean isCalm() {
        return calm;
    }

    void isolate(String address) {
        isolated.add(address);
    }

    void heal(String address) {
        isolated.remove(address);
    }

    Set<String> isolated() {
        return Set.copyOf(isolated);
    }

    boolean isIsolated(String address) {
        return isolated.contains(address);
    }

    /** Whether a message between two nodes cannot pass: one of them is cut off from the other. */
    boolean cutOff(String from, String to) {
        return !from.equals(to) && (isolated.contains(from) || isolated.contains(to));
    }

    /** Whether this message is lost (on its way there, or its answer on the way back). */
    boolean lost() {
        return !calm && lossRate > 0 && random.nextDouble() < lossRate;
    }

    /** Time on the wire, in milliseconds. */
    long latencyMillis() {
        return random.nextInt(3);
    }

    long jitterMillis() {
        return random.nextInt(20);
    }
}
