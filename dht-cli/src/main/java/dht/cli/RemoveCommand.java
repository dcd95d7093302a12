package dht.cli;

import dht.cli.Cluster.Reply;
import dht.core.wire.Member;
import dht.core.wire.MemberState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "remove", description = "Remove a member from the ring for good (DELETE /nodes/{id} at the registry): for a node "
        + "that is DOWN and will not come back. The nodes before it keep serving its ranges, and its replicas copy its keys "
        + "to a third node again. A node that runs should leave instead (dhtctl leave), handing its keys over.")
final class RemoveCommand extends ClusterCommand {

    @Parameters(index = "0", paramLabel = "NODE", description = "The member: its 16-hex-digit ID, or host:port as the registry lists it.")
    String target;

    @Override
    public Integer call() {
        Cluster cluster = cluster();
        if (!cluster.hasRegistry()) {
            throw CliException.usage("remove needs the registry (--registry or DHT_REGISTRY_URL)");
        }
        Member member = cluster.members().stream()
                .filter(listed -> NodeArgument.isId(target) ? listed.id().toString().equals(target.toLowerCase())
                        : listed.address().equals(target))
                .findFirst()
                .orElseThrow(() -> CliException.failed("the registry does not list " + target));
        if (member.state() != MemberState.DOWN) {
            streams().err().println("dhtctl: warning: " + member.id() + " is " + member.state() + ", not DOWN; it is removed "
                    + "without handing its keys over (dhtctl leave would), and joins anew if it runs on");
        }
        Reply reply = cluster.registryCall("DELETE", "/nodes/" + member.id());
        if (!reply.ok()) {
            throw CliException.failed("the registry answered " + reply.describe());
        }
        streams().out().printf("%s (%s) removed from the ring; it was %s%n", member.id(), member.address(), member.state());
        return Exit.OK;
    }
}
