package dht.cli;

import dht.cli.Cluster.NodeStatus;
import dht.cli.Cluster.Unreachable;
import dht.client.Json;
import dht.core.KeyRange;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.wire.Member;
import dht.core.wire.MemberState;
import dht.core.wire.RingListing;
import picocli.CommandLine.Command;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

@Command(name = "ring", description = "The ring as a table sorted by ID: each node's address, its own state (DOWN for a member "
        + "the registry lists as down: stopped or unreachable, still at its positions), its share of the ring (from its "
        + "positions, adding up to 100%%), the keys in its range and all it stores, replica copies included (from its "
        + "/actuator/info; deletion markers count until they are dropped).")
final class RingCommand extends ClusterCommand {

    @Override
    public Integer call() {
        List<Row> rows = rows(cluster());
        if (json()) {
            printJson(toJson(rows));
        } else {
            print(rows, streams().out());
        }
        return Exit.OK;
    }

    /** One line of the table; {@code status} is absent when the node could not be asked. */
    record Row(Member member, KeyRange range, BigDecimal share, NodeStatus status, String problem) {

        String state() {
            return member.state() == MemberState.DOWN ? "DOWN" : status != null ? status.state() : "UNREACHABLE";
        }
    }

    static List<Row> rows(Cluster cluster) {
        List<Member> members = cluster.members();
        // a DOWN member's ranges are served by its predecessors meanwhile, but they stay its own
        Ring ring = new RingListing(members).placement();
        Map<RingPosition, BigDecimal> shares = RingShares.of(ring);
        List<Row> rows = new ArrayList<>();
        try (ExecutorService asking = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object>> statuses = members.stream()
                    .map(member -> asking.submit(() -> member.state() == MemberState.DOWN
                            ? (Object) ("DOWN since " + member.downSince())
                            : statusOrProblem(cluster, member)))
                    .toList();
            for (int i = 0; i < members.size(); i++) {
                Member member = members.get(i);
                Object answer = statuses.get(i).get();
                rows.add(new Row(member, ring.rangeOf(member.id()), shares.get(member.id()),
                        answer instanceof NodeStatus status ? status : null,
                        answer instanceof String problem ? problem : null));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw CliException.failed("could not ask the nodes: " + e.getCause());
        }
        return rows;
    }

    private static Object statusOrProblem(Cluster cluster, Member member) {
        try {
            return cluster.status(cluster.urlOf(member.address()), "/actuator/info");
        } catch (Unreachable e) {
            return e.getMessage();
        }
    }

    private static void print(List<Row> rows, PrintStream out) {
        if (rows.isEmpty()) {
            out.println("The ring has no nodes.");
            return;
        }
        int addressWidth = Math.max("ADDRESS".length(), rows.stream().mapToInt(row -> row.member().address().length()).max().orElse(0));
        int stateWidth = Math.max("STATE".length(), rows.stream().mapToInt(row -> row.state().length()).max().orElse(0));
        String format = "%-16s  %-" + addressWidth + "s  %-" + stateWidth + "s  %7s  %8s  %8s%n";
        out.printf(format, "ID", "ADDRESS", "STATE", "OWNS", "KEYS", "STORED");
        long owned = 0;
        long stored = 0;
        boolean everyOwnedCount = true;
        for (Row row : rows) {
            NodeStatus status = row.status();
            out.printf(format, row.member().id(), row.member().address(), row.state(), row.share().toPlainString() + "%",
                    status == null || status.ownedKeys() == null ? "?" : Long.toString(status.ownedKeys()),
                    status == null ? "?" : Long.toString(status.keys()));
            everyOwnedCount &= status != null && status.ownedKeys() != null;
            owned += status == null || status.ownedKeys() == null ? 0 : status.ownedKeys();
            stored += status == null ? 0 : status.keys();
        }
        long down = rows.stream().filter(row -> row.member().state() == MemberState.DOWN).count();
        long unreachable = rows.stream().filter(row -> row.status() == null).count() - down;
        out.println(rows.size() + (rows.size() == 1 ? " node, " : " nodes, ") + (everyOwnedCount ? "" : "at least ") + owned
                + " keys, " + stored + " stored (replica copies included)"
                + (down == 0 ? "" : "; " + down + " DOWN (their ranges served by the nodes before them)")
                + (unreachable == 0 ? "" : "; " + unreachable + " node(s) could not be asked"));
    }

    private static ObjectNode toJson(List<Row> rows) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        ArrayNode nodes = json.putArray("nodes");
        for (Row row : rows) {
            ObjectNode node = nodes.addObject();
            node.put("id", row.member().id().toString());
            node.put("address", row.member().address());
            node.put("state", row.state());
            node.put("memberState", row.member().state() == null ? null : row.member().state().name());
            node.put("share", row.share());
            ObjectNode range = node.putObject("owns");
            range.put("start", row.range().start().toString());
            range.put("end", row.range().end().toString());
            if (row.status() != null) {
                node.put("keys", row.status().keys());
                node.put("ownedKeys", row.status().ownedKeys());
                node.put("knownNodes", row.status().knownNodes());
            } else {
                node.putNull("keys");
                node.put("problem", row.problem());
            }
        }
        return json;
    }
}
