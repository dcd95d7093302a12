package dht.cli;

import dht.cli.Cluster.NodeStatus;
import dht.cli.Cluster.Unreachable;
import dht.client.Json;
import dht.core.KeyRange;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.wire.OwnerAnswer;
import dht.core.wire.RingListing;
import dht.core.wire.RingSnapshot.Transfer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

@Command(name = "owner", description = "A key's ring position and the node that owns it, computed from the ring and cross-checked "
        + "with the registry's answer and the owner's own range; a node still handing the key over is listed too. "
        + "Exit code 1 when they disagree (a ring change under way).")
final class OwnerCommand extends ClusterCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "The key.")
    String key;

    @Override
    public Integer call() {
        if (key.isEmpty()) {
            throw CliException.usage("a key is 1 to 1024 bytes of UTF-8, not empty");
        }
        Cluster cluster = cluster();
        RingPosition position = RingPosition.ofKey(key);
        Ring ring = new RingListing(cluster.members()).ring();
        if (ring.isEmpty()) {
            throw CliException.failed("the ring has no nodes");
        }
        NodeRef owner = ring.ownerOf(position);
        // with virtual nodes, the range of the owner's position the key falls in
        KeyRange range = ring.rangesOf(owner.id()).stream().filter(owned -> owned.contains(position)).findFirst().orElseThrow();

        List<String> disagreements = new ArrayList<>();
        NodeRef registryOwner = null;
        if (cluster.hasRegistry()) {
            OwnerAnswer answer = cluster.registryOwner(key);
            registryOwner = answer.owner();
            if (!answer.owner().id().equals(owner.id())) {
                disagreements.add("the registry says the owner is " + answer.owner());
            }
        }
        NodeStatus ownerStatus = null;
        String ownerProblem = null;
        try {
            ownerStatus = cluster.status(cluster.urlOf(owner.address()), "/actuator/info");
            if (ownerStatus.ownedRangeOf(position).isEmpty()) {
                disagreements.add("the node itself owns " + ownerStatus.describeOwned() + " (" + ownerStatus.state() + ")");
            }
        } catch (Unreachable e) {
            ownerProblem = e.getMessage();
        }
        List<NodeRef> stillHolding = new ArrayList<>();
        if (ownerStatus != null) {
            for (Transfer transfer : ownerStatus.receiving()) {
                if (transfer.range() != null && transfer.range().contains(position) && transfer.peer() != null) {
                    stillHolding.add(transfer.peer());
                }
            }
        }

        if (json()) {
            ObjectNode json = Json.MAPPER.createObjectNode();
            json.put("key", key);
            json.put("position", position.toString());
            ObjectNode ownerJson = json.putObject("owner");
            ownerJson.put("id", owner.id().toString());
            ownerJson.put("address", owner.address());
            ObjectNode rangeJson = json.putObject("range");
            rangeJson.put("start", range.start().toString());
            rangeJson.put("end", range.end().toString());
            if (registryOwner != null) {
                json.put("registryAgrees", registryOwner.id().equals(owner.id()));
            }
            if (ownerStatus != null) {
                json.put("ownerState", ownerStatus.state());
            } else {
                json.put("ownerProblem", ownerProblem);
            }
            ArrayNode holding = json.putArray("stillHeldBy");
            stillHolding.forEach(node -> holding.addObject().put("id", node.id().toString()).put("address", node.address()));
            printJson(json);
        } else {
            PrintStream out = streams().out();
            out.printf("key       %s%n", key);
            out.printf("position  %s%n", position);
            out.printf("owner     %s  %s%n", owner.id(), owner.address());
            out.printf("range     %s%n", range);
            if (registryOwner != null) {
                out.printf("registry  %s%n", registryOwner.id().equals(owner.id()) ? "agrees" : "says " + registryOwner);
            }
            if (ownerStatus != null) {
                out.printf("node      %s, owns %s, %s%n", ownerStatus.state(),
                        ownerStatus.describeOwnedAt(position),
                        ownerStatus.ownedKeys() == null ? ownerStatus.keys() + " keys"
                                : ownerStatus.ownedKeys() + " keys, " + ownerStatus.keys() + " stored (replica copies included)");
            } else {
                out.printf("node      could not be asked (%s)%n", ownerProblem);
            }
            for (NodeRef node : stillHolding) {
                out.printf("handover  still held by %s  %s until the transfer finishes%n", node.id(), node.address());
            }
        }
        if (!disagreements.isEmpty()) {
            throw CliException.failed("the ring lists " + owner + " as the owner, but " + String.join(", and ", disagreements)
                    + " (a ring change under way?)");
        }
        return Exit.OK;
    }
}
