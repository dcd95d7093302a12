package dht.bench.ring;

import dht.core.FingerTable;
import dht.core.KeyRange;
import dht.core.NeighborView;
import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.VirtualPositions;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Routing and balance at sizes no machine here can run as processes, on paper: the nodes' own ring,
 * routing, finger and virtual-position code ({@link Neighborhood#nextHop(RingPosition, Ring)},
 * {@link FingerTable}, {@link VirtualPositions}) driven directly, with no HTTP. Nodes join one at a
 * time as the registry adds them; every node knows its own neighbors at each position (they are
 * spliced in), while its view of the whole ring is either fresh or a given number of joins behind
 * (as between two refreshes from the registry). Prints one line per ring and writes them to the
 * result file.
 */
final class RoutingAtScale {

    private static final PrintStream progress = System.err;
    private static final int MAX_HOPS = 128;

    private final int lookups;
    private final List<Integer> staleness;

    private RoutingAtScale(int lookups, List<Integer> staleness) {
        this.lookups = lookups;
        this.staleness = staleness;
    }

    /** {@code --scale-sizes=1000,10000 --scale-positions=1,8,32 --scale-lookups=20000 --scale-stale=0,1,10,100}. */
    static void run(Map<String, String> options, Path result) throws IOException {
        List<Integer> sizes = ints(options.getOrDefault("scale-sizes", "1000,10000"));
        List<Integer> positionCounts = ints(options.getOrDefault("scale-positions", "1,8,32"));
        RoutingAtScale bench = new RoutingAtScale(Integer.parseInt(options.getOrDefault("scale-lookups", "20000")),
                ints(options.getOrDefault("scale-stale", "0,1,10,100")));
        List<String> lines = new ArrayList<>();
        for (int size : sizes) {
            for (int positions : positionCounts) {
                lines.addAll(bench.measure(size, positions));
                Files.write(result, lines);
            }
        }
    }

    private List<String> measure(int size, int positionCount) {
        long started = System.nanoTime();
        List<NodeRef> joined = new ArrayList<>(size);
        Ring ring = Ring.empty();
        long allocationNanos = 0;
        for (int i = 0; i < size; i++) {
            NodeRef node = NodeRef.at("node-" + i + ".dht.example:50001");
            if (ring.nodeAt(node.id()).isPresent()) {
                continue; // a hash collision with a virtual position: the registry refuses such a node too
            }
            long before = System.nanoTime();
            List<RingPosition> virtual = positionCount == 1 ? List.of() : VirtualPositions.allocate(ring, node, positionCount);
            allocationNanos += System.nanoTime() - before;
            ring = ring.with(node, virtual);
            joined.add(node);
        }
        progress.printf("[scale] N=%d, %d position(s): ring built in %d s%n", size, positionCount, secondsSince(started));
        Map<String, Neighborhood> neighborhoods = neighborhoods(ring);
        Balance balance = balance(ring);
        List<String> lines = new ArrayList<>();
        for (int stale : staleness) {
            Ring view = ring;
            for (int k = 0; k < stale && k < joined.size() - 1; k++) {
                view = view.without(joined.get(joined.size() - 1 - k).id());
            }
            Hops hops = route(ring, neighborhoods, view, new Random(31L * size + positionCount + stale));
            lines.add(String.format(Locale.ROOT, "SCALE nodes=%d positions=%d stale=%d lookups=%d hops_mean=%.3f hops_max=%d "
                            + "one_hop_or_less=%.4f max_over_mean=%.3f p99_over_mean=%.3f min_over_mean=%.3f allocate_ms_per_join=%.2f",
                    ring.size(), positionCount, stale, hops.lookups(), hops.mean(), hops.max(), hops.atMostOne(),
                    balance.maxOverMean(), balance.p99OverMean(), balance.minOverMean(),
                    allocationNanos / 1e6 / ring.size()));
            progress.println("[scale] " + lines.getLast());
        }
        if (positionCount > 1) {
            return lines; // Chord routes each virtual position as a node of its own, with fingers of its own: no like-for-like here
        }
        Hops chord = routeByFingersOnly(ring, new Random(17L * size + positionCount));
        lines.add(String.format(Locale.ROOT, "FINGERS nodes=%d lookups=%d hops_mean=%.3f hops_max=%d half_log2_n=%.2f",
                ring.size(), chord.lookups(), chord.mean(), chord.max(), Math.log(ring.size()) / Math.log(2) / 2));
        progress.println("[scale] " + lines.getLast());
        return lines;
    }

    /** Each node's neighbors at each of its positions, from the ring in one pass. */
    private static Map<String, Neighborhood> neighborhoods(Ring ring) {
        List<Ring.Arc> arcs = ring.arcs();
        Map<String, List<NeighborView>> views = new HashMap<>();
        for (int i = 0; i < arcs.size(); i++) {
            Ring.Arc arc = arcs.get(i);
            Ring.Arc before = arcs.get((i - 1 + arcs.size()) % arcs.size());
            Ring.Arc after = arcs.get((i + 1) % arcs.size());
            views.computeIfAbsent(arc.node().address(), address -> new ArrayList<>()).add(new NeighborView(
                    member(arc), member(before), member(after)));
        }
        Map<String, Neighborhood> neighborhoods = new HashMap<>();
        for (NodeRef node : ring.nodes()) {
            neighborhoods.put(node.address(), new Neighborhood(node, views.get(node.address())));
        }
        return neighborhoods;
    }

    private static NodeRef member(Ring.Arc arc) {
        return arc.node().atPosition(arc.range().start());
    }

    /** Lookups from random nodes for random keys, each hop chosen by the node it is at, with {@code view} as every node's view. */
    private Hops route(Ring ring, Map<String, Neighborhood> neighborhoods, Ring view, Random random) {
        List<NodeRef> nodes = ring.nodes();
        int[] counts = new int[MAX_HOPS + 1];
        for (int i = 0; i < lookups; i++) {
            RingPosition key = new RingPosition(random.nextLong());
            Neighborhood at = neighborhoods.get(nodes.get(random.nextInt(nodes.size())).address());
            int hops = 0;
            for (Optional<NodeRef> next = at.nextHop(key, view); next.isPresent() && hops < MAX_HOPS; next = at.nextHop(key, view)) {
                at = neighborhoods.get(next.get().address());
                hops++;
            }
            if (!ring.ownerOf(key).sameNodeAs(at.node())) {
                throw new IllegalStateException("a lookup for " + key + " ended at " + at.node() + ", not its owner");
            }
            counts[hops]++;
        }
        return Hops.of(counts);
    }

    /** The same lookups over finger tables alone, as Chord routes (each node knows O(log N) others, not the whole ring). */
    private Hops routeByFingersOnly(Ring ring, Random random) {
        Map<String, FingerTable> fingers = new HashMap<>();
        for (NodeRef node : ring.nodes()) {
            fingers.put(node.address(), FingerTable.of(ring, node));
        }
        List<NodeRef> nodes = ring.nodes();
        int[] counts = new int[MAX_HOPS + 1];
        for (int i = 0; i < lookups; i++) {
            RingPosition key = new RingPosition(random.nextLong());
            NodeRef owner = ring.ownerOf(key);
            NodeRef at = nodes.get(random.nextInt(nodes.size()));
            int hops = 0;
            while (!at.sameNodeAs(owner) && hops < MAX_HOPS) {
                // the closest finger before the key; when no finger is closer, the key's owner is this node's successor there
                NodeRef from = at;
                at = fingers.get(at.address()).nextHop(key, Set.of())
                        .filter(finger -> !finger.sameNodeAs(from))
                        .orElse(owner);
                hops++;
            }
            counts[hops]++;
        }
        return Hops.of(counts);
    }

    /** How evenly the ring's positions are shared: the fullest, the 99th percentile and the emptiest node against the mean. */
    private static Balance balance(Ring ring) {
        Map<String, BigInteger> loads = new HashMap<>();
        for (Ring.Arc arc : ring.arcs()) {
            loads.merge(arc.node().address(), arc.range().length(), BigInteger::add);
        }
        BigInteger[] sorted = loads.values().stream().sorted().toArray(BigInteger[]::new);
        BigDecimal mean = new BigDecimal(KeyRange.wholeRing(RingPosition.MIN).length()).divide(BigDecimal.valueOf(sorted.length), MathContext.DECIMAL64);
        int p99 = Math.max(0, (int) Math.ceil(0.99 * sorted.length) - 1);
        return new Balance(ratio(sorted[sorted.length - 1], mean), ratio(sorted[p99], mean), ratio(sorted[0], mean));
    }

    private static double ratio(BigInteger load, BigDecimal mean) {
        return new BigDecimal(load).divide(mean, MathContext.DECIMAL64).doubleValue();
    }

    private static List<Integer> ints(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    private static long secondsSince(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - nanos);
    }

    private record Balance(double maxOverMean, double p99OverMean, double minOverMean) {
    }

    private record Hops(int lookups, double mean, int max, double atMostOne) {

        static Hops of(int[] counts) {
            int lookups = Arrays.stream(counts).sum();
            long sum = 0;
            int max = 0;
            for (int hops = 0; hops < counts.length; hops++) {
                sum += (long) hops * counts[hops];
                if (counts[hops] > 0) {
                    max = hops;
                }
            }
            return new Hops(lookups, (double) sum / lookups, max, (double) (counts[0] + counts[1]) / lookups);
        }
    }
}
