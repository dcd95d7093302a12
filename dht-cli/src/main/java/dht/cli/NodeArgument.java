package dht.cli;

import dht.core.RingPosition;

import java.net.URI;

/** A node as an operator names it: a URL, {@code host:port}, or its 16-hex-digit ID (looked up in the ring). */
final class NodeArgument {

    private NodeArgument() {
    }

    static boolean isId(String text) {
        return text.length() == 16 && text.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    /** The node's base URL. */
    static URI resolve(String text, Cluster cluster) {
        if (!isId(text)) {
            return Cluster.baseUrl(text, "NODE");
        }
        RingPosition id = RingPosition.parse(text.toLowerCase());
        return cluster.members().stream().filter(member -> member.id().equals(id)).findFirst()
                .map(member -> cluster.urlOf(member.address()))
                .orElseThrow(() -> CliException.failed("no node " + id + " in the ring"));
    }
}
