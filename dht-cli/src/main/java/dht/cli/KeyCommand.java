package dht.cli;

import dht.client.Json;
import dht.core.Key;
import dht.core.RingPosition;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.node.ObjectNode;

import java.util.function.Consumer;

/**
 * put, get and delete: one key, sent by the Java client straight to a replica of the key, with
 * {@code --verbose} saying how it went.
 */
abstract class KeyCommand extends ClusterCommand {

    @Parameters(index = "0", paramLabel = "KEY", description = "Any UTF-8 key of 1 to 1024 bytes.")
    String key;

    @Option(names = {"-v", "--verbose"}, description = "Show on standard error which node answered, the owner and the hops.")
    boolean verbose;

    /** The key, refused as bad arguments when the cluster would refuse it. */
    String validKey() {
        return checked(key);
    }

    /** {@code key} when it is one ({@link Key#of}), else a usage error: no call is made for it. */
    static String checked(String key) {
        try {
            return Key.of(key).value();
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage());
        }
    }

    /** With {@code --verbose}, one line on standard error about the answer, with {@code extra} after it. */
    void report(String extra) {
        if (verbose) {
            streams().err().println(dhtctl.lastAnswer().summary() + extra);
        }
    }

    /** The JSON answer about the key: {@code fill} adds what the command knows between the owner and the route. */
    void printJson(Consumer<ObjectNode> fill) {
        Answer answer = dhtctl.lastAnswer();
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("key", key);
        json.put("position", RingPosition.ofKey(key).toString());
        json.put("owner", answer.owner());
        fill.accept(json);
        json.put("via", answer.servedBy().node());
        json.put("hops", answer.hops());
        printJson(json);
    }

    static CliException notFound(String key) {
        return CliException.notFound("key '" + key + "' not found");
    }
}
