package dht.cli;

import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** A subcommand: reaches the cluster, the streams and the output format through {@link Dhtctl}. */
abstract class ClusterCommand implements Callable<Integer> {

    @ParentCommand
    Dhtctl dhtctl;

    Cluster cluster() {
        return dhtctl.cluster();
    }

    Streams streams() {
        return dhtctl.streams();
    }

    boolean json() {
        return dhtctl.json();
    }

    void printJson(Object value) {
        streams().out().println(Json.pretty(value));
    }
}
