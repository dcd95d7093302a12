package dht.generatedclient;

import dht.testkit.TestCluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the OpenAPI document of a node's client group, as a running node serves it, to the file
 * named by the first argument: what the build generates the client from.
 */
public final class NodeDocument {

    private NodeDocument() {
    }

    public static void main(String[] args) throws IOException {
        Path target = Path.of(args[0]);
        String document;
        try (TestCluster cluster = TestCluster.builder().nodes(1).build()) {
            document = cluster.http().get().uri(cluster.node(cluster.indexes().getFirst()).url() + "/v3/api-docs/client")
                    .retrieve().body(String.class);
        }
        Files.createDirectories(target.getParent());
        Files.writeString(target, document);
        // the apps' remaining threads must not keep the build waiting
        System.exit(0);
    }
}
