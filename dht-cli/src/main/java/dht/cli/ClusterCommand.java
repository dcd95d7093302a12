package dht.cli;

import dht.client.DhtClient;
import dht.client.Json;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** A subcommand: reaches the cluster, the streams and the output format through {@link Dhtctl}. */
abstract class ClusterCommand implements Callable<Integer> {

    @ParentCommand
    Dhtctl dhtctl;

    Cluster cluster() {
        return dhtctl.cluster();
    }

    /** The Java client, for what it serves: keys, listings, watches on keys. */
    DhtClient client() {
        return dhtctl.client();
    }

    Streams streams() {
        return dhtctl.streams();
    }

    boolean json() {
        return dhtctl.json();
    }

    void printJson(Object value) {
        streams().out().println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    }
}
