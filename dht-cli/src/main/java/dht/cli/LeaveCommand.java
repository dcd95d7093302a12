package dht.cli;

import dht.cli.Cluster.NodeStatus;
import dht.cli.Cluster.Reply;
import dht.cli.Cluster.Unreachable;
import dht.core.wire.Member;
import dht.core.wire.RingSnapshot.Transfer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

@Command(name = "leave", description = "Make a node leave the ring gracefully (POST /admin/leave on the node): it hands its keys "
        + "to its predecessor, the progress is shown, and the command returns once the node is out of the ring.")
final class LeaveCommand extends ClusterCommand {

    static final String LEAVE_PATH = "/admin/leave";
    private static final Duration POLL = Duration.ofMillis(500);
    /** How long the registry may take to drop a node that has stopped. */
    private static final Duration REGISTRY_GRACE = Duration.ofSeconds(5);

    @Parameters(index = "0", paramLabel = "NODE", description = "The node: a URL, host:port or its ID.")
    String target;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "120s", converter = DurationConverter.class,
            description = "How long to follow the handover before giving up watching (the node goes on). Default: ${DEFAULT-VALUE}.")
    Duration wait;

    @Option(names = "--no-wait", description = "Only ask the node to leave; do not follow its handover.")
    boolean noWait;

    @Option(names = "--deregister-only",
            description = "For a node without " + LEAVE_PATH + ": only remove it from the registry (DELETE /nodes/{id}). "
                    + "Its keys are NOT handed over and it keeps running: stopping its process (SIGTERM) is the graceful way.")
    boolean deregisterOnly;

    @Override
    public Integer call() throws InterruptedException {
        Cluster cluster = cluster();
        URI url = NodeArgument.resolve(target, cluster);
        NodeStatus before;
        try {
            before = cluster.status(url, "/actuator/ring");
        } catch (Unreachable e) {
            throw CliException.unreachable("cannot reach the node at " + url.getAuthority() + " (" + e.getMessage() + ")");
        }
        if (before.id() == null || "LEFT".equals(before.state())) {
            throw CliException.failed(url.getAuthority() + " is " + before.state() + ", not a member of the ring");
        }
        PrintStream out = streams().out();
        Reply reply;
        try {
            reply = cluster.call("POST", url.resolve(LEAVE_PATH), new byte[0], null);
        } catch (Unreachable e) {
            throw CliException.unreachable("cannot reach the node at " + url.getAuthority() + " (" + e.getMessage() + ")");
        }
        if (reply.status() == 404 || reply.status() == 405) {
            return withoutLeaveEndpoint(cluster, before, url);
        }
        if (!reply.ok()) {
            throw CliException.failed(url.getAuthority() + " refused to leave: " + reply.describe());
        }
        out.printf("%s (%s) is leaving: handing %s to its predecessor %s%n", before.id(), before.address(), keys(toHandOver(before)),
                before.predecessor() == null ? "?" : before.predecessor());
        if (noWait) {
            return Exit.OK;
        }
        return follow(cluster, url, before);
    }

    /** Polls the leaving node's {@code /actuator/ring} and prints each change of its handover until it is out. */
    private int follow(Cluster cluster, URI url, NodeStatus before) throws InterruptedException {
        PrintStream out = streams().out();
        Instant start = Instant.now();
        Instant deadline = start.plus(wait);
        String lastProgress = null;
        while (Instant.now().isBefore(deadline)) {
            NodeStatus now;
            try {
                now = cluster.status(url, "/actuator/ring");
            } catch (Unreachable gone) {
                return left(cluster, before, start, "it no longer answers");
            }
            if ("LEFT".equals(now.state()) || (!now.state().equals("LEAVING") && !listed(cluster, before) && now.keys() == 0)) {
                return left(cluster, before, start, "it is " + now.state());
            }
            String progress = progress(before, now);
            if (!Objects.equals(progress, lastProgress)) {
                out.println(progress);
                out.flush();
                lastProgress = progress;
            }
            Thread.sleep(POLL.toMillis());
        }
        throw CliException.failed(before.address() + " is still leaving after " + Durations.format(wait)
                + "; follow it with 'dhtctl watch' or 'dhtctl ring'");
    }

    private static String keys(long count) {
        return count == 1 ? "1 key" : count + " keys";
    }

    /**
     * The keys of the node's own range: what it hands over. The copies it holds of its neighbors'
     * keys stay where they are (their owners keep theirs), so they are not counted.
     */
    static long toHandOver(NodeStatus before) {
        return before.ownedKeys() != null ? before.ownedKeys() : before.keys();
    }

    static String progress(NodeStatus before, NodeStatus now) {
        long total = toHandOver(before);
        long copiesKept = before.keys() - total;
        long left = Math.min(total, Math.max(0, now.keys() - copiesKept));
        List<Transfer> transfers = now.handingOver();
        String where = transfers.isEmpty() ? "" : "  " + String.join(", ", transfers.stream()
                .map(t -> t.range() + " to " + (t.peer() == null ? "?" : t.peer().address())).toList());
        return String.format("  %-11s %d of %d keys handed over, %d left%s", now.state(), total - left, total, left, where);
    }

    private int left(Cluster cluster, NodeStatus before, Instant start, String how) throws InterruptedException {
        String seconds = String.format("%.1f s", Duration.between(start, Instant.now()).toMillis() / 1000.0);
        Instant registryDeadline = Instant.now().plus(REGISTRY_GRACE);
        while (cluster.hasRegistry() && listed(cluster, before)) {
            if (Instant.now().isAfter(registryDeadline)) {
                throw CliException.failed(before.address() + " stopped (" + how + ") but the registry still lists it");
            }
            Thread.sleep(POLL.toMillis());
        }
        streams().out().printf("%s (%s) left the ring after %s (%s)%n", before.id(), before.address(), seconds, how);
        return Exit.OK;
    }

    private boolean listed(Cluster cluster, NodeStatus node) {
        if (!cluster.hasRegistry()) {
            return true;
        }
        return cluster.members().stream().anyMatch(member -> member.id().equals(node.id()));
    }

    /** The node has no leave endpoint: say what to do instead, or only deregister it when told to. */
    private int withoutLeaveEndpoint(Cluster cluster, NodeStatus node, URI url) {
        if (!deregisterOnly) {
            throw CliException.failed(url.getAuthority() + " has no POST " + LEAVE_PATH + " (it answered 404), so dhtctl "
                    + "cannot make it leave: stop its process with SIGTERM (it hands its keys over, then exits), or pass "
                    + "--deregister-only to only remove it from the registry (its keys are not handed over)");
        }
        if (!cluster.hasRegistry()) {
            throw CliException.usage("--deregister-only needs the registry (--registry or DHT_REGISTRY_URL)");
        }
        Optional<Member> member = cluster.members().stream().filter(m -> m.id().equals(node.id())).findFirst();
        if (member.isEmpty()) {
            throw CliException.failed("the registry does not list " + node.id());
        }
        Reply reply = cluster.registryCall("DELETE", "/nodes/" + node.id());
        if (!reply.ok()) {
            throw CliException.failed("the registry answered " + reply.describe());
        }
        streams().err().println("dhtctl: warning: " + url.getAuthority() + " has no POST " + LEAVE_PATH
                + "; it was only removed from the registry, still runs and keeps its " + node.keys() + " keys");
        streams().out().printf("%s (%s) removed from the registry%n", node.id(), node.address());
        return Exit.OK;
    }
}
