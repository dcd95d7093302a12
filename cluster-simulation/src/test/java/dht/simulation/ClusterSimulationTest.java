package dht.simulation;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many seeded runs of a whole cluster (see {@link ClusterSimulation}). A failing seed is named with
 * the command that replays it, alone and with the nodes' logs:
 * {@code ./mvnw -pl cluster-simulation test -Ddht.simulation.seed=SEED -Ddht.simulation.log=INFO}.
 * {@code -Ddht.simulation.seeds} and {@code -Ddht.simulation.steps} set how many runs and how long
 * each, {@code -Ddht.simulation.virtual-nodes} the positions of every node (else 1 or 8, drawn from
 * the seed); the {@code simulation-long} profile runs a hundred thousand.
 */
class ClusterSimulationTest {

    private static final int STEPS = Integer.getInteger("dht.simulation.steps", 200);

    @Test
    void everySeedKeepsTheInvariants() {
        String single = System.getProperty("dht.simulation.seed");
        long first = single != null ? Long.parseLong(single) : Long.getLong("dht.simulation.first-seed", 1);
        int seeds = single != null ? 1 : Integer.getInteger("dht.simulation.seeds", 300);
        List<ClusterSimulation.Result> failed = new ArrayList<>();
        long steps = 0;
        long acknowledged = 0;
        long started = System.nanoTime();
        for (long seed = first; seed < first + seeds; seed++) {
            ClusterSimulation.Result result = new ClusterSimulation(seed, STEPS, mix()).run();
            steps += result.steps();
            acknowledged += result.acknowledgedKeys();
            if (!result.passed()) {
                failed.add(result);
            }
        }
        System.out.printf("%d seeds from %d, %d steps, %d acknowledged keys, in %d ms; %d failed%n", seeds, first, steps,
                acknowledged, (System.nanoTime() - started) / 1_000_000, failed.size());
        assertThat(failed).as("runs that broke an invariant").allSatisfy(result -> assertThat(result.violations())
                .as(describe(result))
                .isEmpty());
    }

    /**
     * With joins and graceful leaves only, every replica keeps running, and a read must meet the
     * copies of every acknowledged write (R + W > N) wherever it enters: never stale.
     */
    @Test
    void whileEveryReplicaRunsNoReadIsStale() {
        assertAQuarterOfTheSeedsPass(new ClusterSimulation.FaultMix(true, false, false, false), "leaves");
    }

    /**
     * The registry goes away once the first one to three nodes are ready; the nodes started after
     * that join through seed nodes, often two at once, while clients write and read. Once it is back
     * the nodes announce themselves, and the settled ring must be the one it lists.
     */
    @Test
    void nodesJoinThroughSeedsWhileTheRegistryIsAway() {
        assertAQuarterOfTheSeedsPass(ClusterSimulation.FaultMix.seedJoins(false), "seed-joins");
    }

    /** Runs the first quarter of {@code dht.simulation.seeds} with {@code mix}, which {@code -Ddht.simulation.faults=faults} replays. */
    private static void assertAQuarterOfTheSeedsPass(ClusterSimulation.FaultMix mix, String faults) {
        List<ClusterSimulation.Result> failed = new ArrayList<>();
        for (long seed = 1; seed <= Math.max(1, Integer.getInteger("dht.simulation.seeds", 300) / 4); seed++) {
            ClusterSimulation.Result result = new ClusterSimulation(seed, STEPS, mix).run();
            if (!result.passed()) {
                failed.add(result);
            }
        }
        assertThat(failed).as("runs that broke an invariant").allSatisfy(result -> assertThat(result.violations())
                .as(describe(result) + " (with -Ddht.simulation.faults=" + faults + ")")
                .isEmpty());
    }

    @Test
    void aSeedReplaysExactly() {
        for (long seed : new long[]{7, 25, 4242}) {
            ClusterSimulation.Result once = new ClusterSimulation(seed, STEPS, mix()).run();
            ClusterSimulation.Result again = new ClusterSimulation(seed, STEPS, mix()).run();
            assertThat(again.fingerprint()).as("seed %d run twice", seed).isEqualTo(once.fingerprint());
        }
    }

    /**
     * The faults named by {@code -Ddht.simulation.faults}, a comma-separated list of leaves, crashes,
     * partitions and loss; or seed-joins, with loss or without.
     */
    private static ClusterSimulation.FaultMix mix() {
        Set<String> on = Set.of(System.getProperty("dht.simulation.faults", "leaves,crashes").split(","));
        if (on.contains("seed-joins")) {
            return ClusterSimulation.FaultMix.seedJoins(on.contains("loss"));
        }
        return new ClusterSimulation.FaultMix(on.contains("leaves"), on.contains("crashes"), on.contains("partitions"),
                on.contains("loss"));
    }

    private static String describe(ClusterSimulation.Result result) {
        return "seed " + result.seed() + " (" + result.nodes() + " nodes, loss " + result.lossRate() + ", "
                + result.virtualNodes() + " positions each), replay with -Ddht.simulation.seed=" + result.seed()
                + " -Ddht.simulation.log=INFO; the last events:\n  " + String.join("\n  ", result.trace());
    }
}
