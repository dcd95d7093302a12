package dht.simulation;

import dht.core.Key;
import dht.core.KeyRange;
import dht.core.NeighborView;
import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.wire.Entry;
import dht.node.config.NodeProperties;
import dht.node.membership.NodeState;
import dht.node.peer.KeyFailure;
import dht.node.peer.KeyOptions;
import dht.node.peer.KeyOutcome;
import dht.node.peer.KeyRequest;
import dht.node.peer.PeerFailure;
import dht.node.hints.HintStore;
import dht.node.storage.InMemoryKeyValueStore;
import dht.registry.config.RegistryProperties;
import dht.registry.membership.Membership;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One run of a whole cluster from one seed: a registry and a few to fifty nodes running their own
 * protocol code on one thread and one virtual clock, while clients write and read, nodes join,
 * leave, crash and come back with their data, get cut off, and messages get lost. After every step
 * no position may have two owners among the nodes the registry lists; once the faults stop and the
 * cluster settled, the owned ranges tile the ring as the registry lists it, every hint has been
 * handed over, every acknowledged write is read back, and every replica of each key holds its
 * newest copy.
 */
final class ClusterSimulation {

    private static final Logger log = LoggerFactory.getLogger(ClusterSimulation.class);
    /** How long the cluster gets to settle once the faults stop: anti-entropy rounds, rejoins, handoffs. */
    private static final Duration SETTLING = Duration.ofSeconds(150);
    /** The least time to settle: an anti-entropy round after the last write, whatever else looks done. */
    private static final Duration SETTLED_AFTER = Duration.ofSeconds(25);
    private static final int TRACE_LENGTH = 60;
    /** What a client's delete writes, and what a replica holding a tombstone reads as. */
    private static final String DELETED = "(deleted)";
    /**
     * The least time between two nodes leaving or crashing, as an operator waits between the steps of
     * a rolling restart: time for anti-entropy to give the ranges whose holders changed their full
     * set of copies again.
     */
    private static final Duration SETTLE_BETWEEN_DEPARTURES = Duration.ofSeconds(10);
    /** How long a crashed process takes to start again. */
    private static final Duration RESTART_TIME = Duration.ofSeconds(10);

    private final long seed;
    private final int steps;
    private final Random random;
    private final EventLoop loop = new EventLoop();
    private final Faults faults;
    private final Violations violations = new Violations(loop);
    private final Network network;
    private final Membership registry;
    private final Map<String, String> settings;
    private final NodeProperties properties;
    private final Map<String, InMemoryKeyValueStore> disks = new TreeMap<>();
    /** Each node's hints, kept on its disk as its keys are. */
    private final Map<String, HintStore> hintDisks = new TreeMap<>();
    private final Map<String, SimulatedNode> nodes = new TreeMap<>();
    /** The crashed nodes, with when each crashed. */
    private final Map<String, Long> crashed = new TreeMap<>();
    private final Set<String> leaving = new HashSet<>();
    private final Map<String, List<Write>> writes = new LinkedHashMap<>();
    private final Deque<String> trace = new ArrayDeque<>();
    private final int maxNodes;
    private int addresses;
    private int values;
    private boolean driving = true;
    private long lastDeparture = Long.MIN_VALUE / 2;
    private final FaultMix mix;

    ClusterSimulation(long seed, int steps, FaultMix mix) {
        this.seed = seed;
        this.steps = steps;
        this.mix = mix;
        this.random = new Random(seed);
        this.faults = new Faults(random, mix.messageLoss() ? new double[]{0, 0.01, 0.05}[random.nextInt(3)] : 0);
        this.network = new Network(loop, faults, violations);
        // a DOWN node is removed before it restarts, or comes back in place, or either, by the seed
        Duration downRemoval = Duration.ofSeconds(new int[]{5, 15, 60}[random.nextInt(3)]);
        this.registry = new Membership(new RegistryProperties(Duration.ofSeconds(60), Duration.ZERO, downRemoval), loop.clock());
        int virtualNodes = Integer.getInteger("dht.simulation.virtual-nodes", random.nextBoolean() ? 8 : 1);
        this.settings = Map.ofEntries(
                Map.entry("dht.storage.type", "memory"),
                Map.entry("dht.virtual-nodes", Integer.toString(virtualNodes)),
                Map.entry("dht.transfer-batch-size", "16"),
                Map.entry("dht.anti-entropy-interval", "10s"),
                Map.entry("dht.leave-timeout", "30s"));
        this.properties = bind(settings);
        this.maxNodes = mix.registryAway() ? 1 + random.nextInt(3) : seed % 25 == 0 ? 20 + random.nextInt(31) : 3 + random.nextInt(4);
    }

    /** Runs the faulty steps, then lets the cluster settle, and answers what went wrong. */
    Result run() {
        for (int i = 0; i < maxNodes; i++) {
            startNode(newAddress());
        }
        loop.schedule(100, "client and faults", this::drive);
        int ran = 0;
        while (ran < steps && !violations.any() && step()) {
            ran++;
            checkOwnership();
        }
        settle();
        return new Result(seed, ran, loop.eventsRun(), loop.elapsedMillis(), maxNodes, faults.lossRate(),
                properties.positions(), acknowledgedKeys(), violations.all(), List.copyOf(trace));
    }

    private boolean step() {
        EventLoop.Event event = loop.runNext();
        if (event == null) {
            return false;
        }
        if (trace.size() == TRACE_LENGTH) {
            trace.removeFirst();
        }
        trace.addLast(event.at() + " " + event.name());
        return true;
    }

    private void settle() {
        if (violations.any()) {
            return;
        }
        driving = false;
        faults.calm();
        if (network.registryAway()) {
            trace("the registry is back");
            network.registryAway(false);
        }
        for (String address : List.copyOf(crashed.keySet())) {
            restart(address);
        }
        long calmSince = loop.elapsedMillis();
        long nextLook = calmSince + SETTLED_AFTER.toMillis();
        while (loop.elapsedMillis() < calmSince + SETTLING.toMillis() && !violations.any() && step()) {
            checkOwnership();
            if (loop.elapsedMillis() >= nextLook) {
                if (looksSettled()) {
                    break;
                }
                nextLook = loop.elapsedMillis() + 2_000;
            }
        }
        if (!violations.any()) {
            checkSettled();
        }
    }

    // ---- what clients and the faults do ----

    private void drive() {
        if (!driving) {
            return;
        }
        if (mix.registryAway() && !network.registryAway() && running().stream().allMatch(node -> node.local.state() == NodeState.READY)) {
            trace("the registry goes away");
            network.registryAway(true);
        }
        int dice = random.nextInt(100);
        if (dice < 55) {
            write();
        } else if (dice < 75) {
            read();
        } else if (dice < 80 && running().size() < maxNodes + 3) {
            startNode(newAddress());
            if (network.registryAway() && random.nextBoolean()) {
                startNode(newAddress()); // two join through the seeds at once
            }
        } else if (dice < 83) {
            if (mix.leaves()) {
                leaveOne();
            }
        } else if (dice < 86) {
            if (mix.crashes()) {
                crashOne(random.nextBoolean());
            }
        } else if (dice < 92) {
            restartOne();
        } else if (dice < 94) {
            if (mix.partitions()) {
                isolateOne();
            }
        } else {
            healOne();
        }
        loop.schedule(20 + random.nextInt(180), "client and faults", this::drive);
    }

    private void write() {
        Optional<SimulatedNode> entry = anyRunning();
        if (entry.isEmpty()) {
            return;
        }
        String key = writes.isEmpty() || random.nextInt(10) < 7 ? "key-" + writes.size() : pick(List.copyOf(writes.keySet()));
        // now and then a delete of a key written before: its tombstone travels as a value does
        String value = writes.containsKey(key) && random.nextInt(5) == 0 ? DELETED : "value-" + values++;
        Write write = new Write(value);
        writes.computeIfAbsent(key, k -> new ArrayList<>()).add(write);
        trace("client writes " + key + "=" + value + " through " + entry.get());
        Key written = Key.of(key);
        answer(() -> value.equals(DELETED)
                ? entry.get().keys.delete(KeyRequest.delete(written, 0, clientDeadline(), KeyOptions.NONE))
                : entry.get().keys.put(KeyRequest.write(written, 0, clientDeadline(), value.getBytes(StandardCharsets.UTF_8),
                        "text/plain", KeyOptions.NONE)))
                .ifPresent(outcome -> {
                    write.acknowledged = true;
                    trace("acknowledged " + key + "=" + value + " by " + outcome.owner());
                });
    }

    private void read() {
        Optional<SimulatedNode> entry = anyRunning();
        if (entry.isEmpty() || writes.isEmpty()) {
            return;
        }
        String key = pick(List.copyOf(writes.keySet()));
        List<Write> attempts = writes.get(key);
        int lastAcknowledged = lastAcknowledged(attempts);
        answer(() -> entry.get().keys.get(KeyRequest.read(Key.of(key), 0, clientDeadline(), KeyOptions.NONE)))
                .ifPresent(outcome -> {
                    String value = valueOf(outcome);
                    int written = attempts.stream().map(write -> write.value).toList().lastIndexOf(value);
                    if (written < 0) {
                        violations.add("a read of %s through %s answered %s, which no client wrote", key, entry.get(), value);
                    } else if (written < lastAcknowledged && !mix.crashes() && !mix.partitions()) {
                        // read and write quorums meet (R + W > N) while every replica runs; after a crash, joins can
                        // move the key's replicas away from the copies of a write before anti-entropy reaches them
                        violations.add("a read of %s through %s answered %s, older than the acknowledged %s", key, entry.get(),
                                value, attempts.get(lastAcknowledged).value);
                    }
                });
    }

    /** A client waits as long as a node would for it ({@code dht.request-timeout}). */
    private Instant clientDeadline() {
        return loop.now().plus(properties.requestTimeout());
    }

    /** A client's answer; empty when the key request failed, or a peer did. Anything else thrown is a bug. */
    private Optional<KeyOutcome> answer(Supplier<KeyOutcome> request) {
        try {
            return Optional.of(request.get());
        } catch (KeyFailure | PeerFailure failed) {
            log.info("at {} ms: the request failed: {}", loop.elapsedMillis(), failed.getMessage());
            return Optional.empty();
        } catch (RuntimeException bug) {
            violations.add("a client request failed: %s", Network.describe(bug));
            return Optional.empty();
        }
    }

    private void leaveOne() {
        List<SimulatedNode> ready = running().stream().filter(node -> node.local.state() == NodeState.READY).toList();
        if (faulty() > 0 || ready.size() < 3) {
            return;
        }
        SimulatedNode node = pick(ready);
        leaving.add(node.address());
        lastDeparture = loop.elapsedMillis();
        trace(node + " leaves");
        node.leave().thenRun(() -> stop(node));
        // the process exits after dht.leave-timeout whatever is left, as the application's shutdown does
        loop.schedule(properties.leaveTimeout().toMillis(), node + " leave timeout", () -> stop(node));
    }

    /**
     * A node's process ends: killed, or stopped in place as SIGTERM stops it (it reports itself DOWN
     * and tells its predecessors first). Either way it stays a member, DOWN, until it starts again on
     * its data or the registry's down-removal timeout removes it.
     */
    private void crashOne(boolean inPlace) {
        if (faulty() > 0) {
            return;
        }
        List<SimulatedNode> candidates = running();
        if (candidates.size() < 3) {
            return;
        }
        SimulatedNode node = pick(candidates);
        lastDeparture = loop.elapsedMillis();
        if (inPlace && node.local.state() == NodeState.READY) {
            trace(node + " stops in place");
            node.goDown();
        } else {
            trace(node + " crashes");
        }
        stop(node);
        crashed.put(node.address(), loop.elapsedMillis());
    }

    /** A crashed node comes back, no sooner than a process restarts: its neighbors have found it gone by then. */
    private void restartOne() {
        List<String> restartable = crashed.entrySet().stream()
                .filter(crash -> loop.elapsedMillis() - crash.getValue() >= RESTART_TIME.toMillis())
                .map(Map.Entry::getKey)
                .toList();
        if (!restartable.isEmpty()) {
            restart(pick(restartable));
        }
    }

    private void restart(String address) {
        crashed.remove(address);
        trace(address + " starts again on its data");
        startNode(address);
    }

    private void isolateOne() {
        if (faulty() > 0) {
            return;
        }
        List<SimulatedNode> candidates = running();
        if (candidates.size() >= 3) {
            SimulatedNode node = pick(candidates);
            trace(node + " is cut off");
            faults.isolate(node.address());
        }
    }

    private void healOne() {
        if (!faults.isolated().isEmpty()) {
            String address = pick(List.copyOf(new TreeSet<>(faults.isolated())));
            trace(address + " is reachable again");
            faults.heal(address);
        }
    }

    /**
     * Nodes down, cut off or leaving: at most one at a time, the faults a replication factor of 3
     * with quorums of 2 is built to survive.
     */
    private int faulty() {
        boolean settling = loop.elapsedMillis() - lastDeparture < SETTLE_BETWEEN_DEPARTURES.toMillis();
        return crashed.size() + faults.isolated().size() + leaving.size() + (settling ? 1 : 0);
    }

    private String newAddress() {
        return "node-" + addresses++ + ".sim:7000";
    }

    private void startNode(String address) {
        SimulatedNode node = new SimulatedNode(address, disks.computeIfAbsent(address, a -> new InMemoryKeyValueStore()),
                hintDisks.computeIfAbsent(address, a -> HintStore.inMemory(properties.hints().maxBytes().toBytes())),
                network.registryAway() ? throughSeeds() : properties, loop, faults, network, registry);
        nodes.put(address, node);
        network.attach(node);
        node.start();
    }

    /**
     * The properties of a node started while the registry is away: it joins through one or two
     * running nodes as its seeds, which it may find still joining themselves.
     */
    private NodeProperties throughSeeds() {
        List<SimulatedNode> running = running();
        Map<String, String> seeds = new TreeMap<>(settings);
        seeds.put("dht.seed-nodes[0]", pick(running).address());
        if (running.size() > 1 && random.nextBoolean()) {
            seeds.put("dht.seed-nodes[1]", pick(running).address());
        }
        return bind(seeds);
    }

    private static NodeProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("dht", NodeProperties.class);
    }

    private void stop(SimulatedNode node) {
        if (node.running()) {
            node.stop();
            network.detach(node);
            leaving.remove(node.address());
        }
    }

    private List<SimulatedNode> running() {
        return nodes.values().stream().filter(SimulatedNode::running).toList();
    }

    private Optional<SimulatedNode> anyRunning() {
        List<SimulatedNode> running = running();
        return running.isEmpty() ? Optional.empty() : Optional.of(pick(running));
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private void trace(String what) {
        log.info("at {} ms: {}", loop.elapsedMillis(), what);
        if (trace.size() == TRACE_LENGTH) {
            trace.removeFirst();
        }
        trace.addLast(loop.elapsedMillis() + " " + what);
    }

    // ---- the invariants ----

    /**
     * No position has two owners among the running nodes that the registry lists (or, in a run
     * where it goes away, among all that run) and that the others can reach. (A node cut off may still believe it owns the range its predecessor took
     * over when it was declared dead; it learns otherwise when it reaches the registry again.)
     */
    private void checkOwnership() {
        Set<RingPosition> listed = registry.ring().nodes().stream().map(NodeRef::id).collect(Collectors.toSet());
        List<Claim> claims = new ArrayList<>();
        for (SimulatedNode node : running()) {
            // while the registry is away, the nodes that joined through seeds are listed nowhere yet
            boolean counted = listed.contains(node.id()) || mix.registryAway();
            if (!counted || faults.isIsolated(node.address()) || !node.local.state().ownsRange()) {
                continue;
            }
            node.local.neighborhood().ifPresent(neighborhood -> neighborhood.ownedRanges()
                    .forEach(range -> range.segments().forEach(segment -> claims.add(new Claim(segment, node.address())))));
        }
        claims.sort(Comparator.comparing((Claim claim) -> claim.segment().first()));
        for (int i = 1; i < claims.size(); i++) {
            Claim before = claims.get(i - 1);
            Claim after = claims.get(i);
            if (after.segment().first().compareTo(before.segment().last()) <= 0) {
                violations.add("%s and %s both own %s", before.owner(), after.owner(), after.segment().first());
                return;
            }
        }
    }

    /** Every node ready and listed, and each one's last anti-entropy round as its ring is now. */
    private boolean looksSettled() {
        Ring ring = registry.ring();
        List<SimulatedNode> running = running();
        return running.size() == ring.size() && running.stream().allMatch(node -> node.local.state() == NodeState.READY
                && ring.contains(node.id()) && node.replicaSync.inSync() && hintDisks.get(node.address()).pending() == 0);
    }

    /** Once settled: every node ready and listed, no hint left, the ranges as the registry's ring has them, every write there. */
    private void checkSettled() {
        Ring ring = registry.ring();
        List<SimulatedNode> running = running();
        for (SimulatedNode node : running) {
            if (node.local.state() != NodeState.READY || !ring.contains(node.id())) {
                violations.add("settled, %s is %s and %s by the registry", node, node.local.state(),
                        ring.contains(node.id()) ? "listed" : "not listed");
            }
        }
        // every hint reached its replica, or the keys' replicas once its replica was gone
        for (SimulatedNode node : running) {
            HintStore hints = hintDisks.get(node.address());
            hints.targets().forEach(target -> violations.add("settled, %s still keeps %d hints for %s", node, hints.pendingFor(target), target));
        }
        Set<String> runningAddresses = running.stream().map(SimulatedNode::address).collect(Collectors.toSet());
        ring.nodes().stream().filter(member -> !runningAddresses.contains(member.address()))
                .forEach(member -> violations.add("settled, the registry lists %s, which does not run", member));
        if (violations.any()) {
            return;
        }
        Set<String> expected = ring.arcs().stream().map(arc -> arc.range() + " " + arc.node().address()).collect(Collectors.toSet());
        Set<String> owned = new HashSet<>();
        for (SimulatedNode node : running) {
            Neighborhood neighborhood = node.local.neighborhood().orElseThrow();
            for (NeighborView view : neighborhood.views()) {
                owned.add(view.ownedRange() + " " + node.address());
            }
        }
        if (!owned.equals(expected)) {
            violations.add("settled, the nodes own %s where the registry's ring has %s", new TreeMap<>(group(owned)), new TreeMap<>(group(expected)));
            return;
        }
        for (Map.Entry<String, List<Write>> key : writes.entrySet()) {
            checkKey(ring, key.getKey(), key.getValue());
            if (violations.any()) {
                return;
            }
        }
    }

    private static Map<String, String> group(Set<String> ranges) {
        return ranges.stream().collect(Collectors.toMap(range -> range.substring(0, range.indexOf(' ')),
                range -> range.substring(range.indexOf(' ') + 1), (a, b) -> a + "+" + b));
    }

    /** The key reads back as its last acknowledged write or a later one, and every replica holds that copy. */
    private void checkKey(Ring ring, String key, List<Write> attempts) {
        int lastAcknowledged = lastAcknowledged(attempts);
        if (lastAcknowledged < 0) {
            return;
        }
        Set<String> allowed = attempts.subList(lastAcknowledged, attempts.size()).stream().map(write -> write.value).collect(Collectors.toSet());
        RingPosition position = Key.of(key).position();
        Map<String, String> copies = new TreeMap<>();
        for (NodeRef replica : ring.replicasOf(position, properties.replicationFactor())) {
            Optional<Entry> copy = disks.get(replica.address()).get(key);
            copies.put(replica.address(), copy.map(entry -> entry.tombstone() ? DELETED : new String(entry.value(), StandardCharsets.UTF_8)
                    + " " + entry.version()).orElse("(none)"));
        }
        if (copies.values().stream().distinct().count() != 1
                || !allowed.contains(copies.values().iterator().next().split(" ")[0])) {
            violations.add("settled, %s was acknowledged as %s but its replicas hold %s", key,
                    attempts.get(lastAcknowledged).value, copies);
            return;
        }
        SimulatedNode through = pick(running());
        String value = answer(() -> through.keys.get(KeyRequest.read(Key.of(key), 0, clientDeadline(), KeyOptions.NONE)))
                .map(ClusterSimulation::valueOf).orElse(null);
        if (!allowed.contains(value == null ? DELETED : value)) {
            violations.add("settled, %s was acknowledged as %s but reads as %s through %s", key,
                    attempts.get(lastAcknowledged).value, value, through);
        }
    }

    private static int lastAcknowledged(List<Write> attempts) {
        int last = -1;
        for (int i = 0; i < attempts.size(); i++) {
            if (attempts.get(i).acknowledged) {
                last = i;
            }
        }
        return last;
    }

    private static String valueOf(KeyOutcome read) {
        return new String(((KeyOutcome.Found) read).entry().value(), StandardCharsets.UTF_8);
    }

    private int acknowledgedKeys() {
        return (int) writes.values().stream().filter(attempts -> attempts.stream().anyMatch(write -> write.acknowledged)).count();
    }

    private static final class Write {
        private final String value;
        private boolean acknowledged;

        private Write(String value) {
            this.value = value;
        }
    }

    private record Claim(KeyRange.Segment segment, String owner) {
    }

    /** Which faults a run draws from. */
    record FaultMix(boolean leaves, boolean crashes, boolean partitions, boolean messageLoss, boolean registryAway) {

        FaultMix(boolean leaves, boolean crashes, boolean partitions, boolean messageLoss) {
            this(leaves, crashes, partitions, messageLoss, false);
        }

        /**
         * The registry goes away once the first nodes are ready; nodes started meanwhile join through
         * seed nodes, with messages lost or not.
         */
        static FaultMix seedJoins(boolean messageLoss) {
            return new FaultMix(false, false, false, messageLoss, true);
        }
    }

    record Result(long seed, int steps, long events, long simulatedMillis, int nodes, double lossRate, int virtualNodes,
                  int acknowledgedKeys, List<String> violations, List<String> trace) {

        boolean passed() {
            return violations.isEmpty();
        }

        /** The same run's fingerprint, for checking that a seed replays exactly. */
        String fingerprint() {
            return steps + "/" + events + "/" + simulatedMillis + "/" + acknowledgedKeys + "/" + trace + "/" + violations;
        }
    }
}
