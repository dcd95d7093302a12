package dht.cli;

import dht.core.RingPosition;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

/** put, get and delete: one key, sent through a random live node, with {@code --verbose} saying how it went. */
abstract class KeyCommand extends ClusterCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "Any UTF-8 key of 1 to 1024 bytes.")
    String key;

    @Option(names = {"-v", "--verbose"}, description = "Show on standard error which node answered, the owner and the hops.")
    boolean verbose;

    KeyClient keys() {
        return new KeyClient(cluster());
    }

    /** With {@code --verbose}, one line on standard error about the answer, with {@code extra} after it. */
    void report(KeyClient.KeyReply reply, String extra) {
        if (verbose) {
            streams().err().println(reply.summary() + extra);
        }
    }

    /** The JSON answer about the key: {@code fill} adds what the command knows between the owner and the route. */
    void printJson(KeyClient.KeyReply reply, java.util.function.Consumer<ObjectNode> fill) {
        ObjectNode answer = Json.object();
        answer.put("key", key);
        answer.put("position", RingPosition.ofKey(key).toString());
        answer.put("owner", reply.owner());
        fill.accept(answer);
        answer.put("via", reply.via().getAuthority());
        answer.put("hops", reply.hopCount());
        printJson(answer);
    }
}
