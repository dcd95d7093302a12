package dht.cli;

import dht.client.Json;
import dht.core.RingPosition;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code dhtctl} against a registry and three nodes in this JVM, through its main entry with captured streams. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandsAgainstAClusterTest {

    private TestCluster cluster;
    private String registry;

    @BeforeAll
    void startCluster() {
        // one position per node: a ring walked without the registry learns the nodes' IDs, not their virtual positions
        cluster = TestCluster.builder().nodes(3).nodeProperty("dht.virtual-nodes=1").build();
        registry = cluster.registryUrl();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private Cli.Result dhtctl(String... args) {
        return dhtctl(new byte[0], args);
    }

    private Cli.Result dhtctl(byte[] stdin, String... args) {
        List<String> all = new ArrayList<>(List.of("--registry", registry));
        all.addAll(List.of(args));
        return Cli.run(stdin, all.toArray(String[]::new));
    }

    @Test
    void putThenGetAnswersTheValueAndDeleteRemovesIt() {
        Cli.Result put = dhtctl("put", "greeting", "hello");
        assertThat(put.exit()).as(put.toString()).isZero();
        assertThat(put.out()).isEqualTo("created\n");
        assertThat(dhtctl("put", "greeting", "hello again").out()).isEqualTo("replaced\n");

        Cli.Result get = dhtctl("get", "greeting");
        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(get.out()).isEqualTo("hello again");

        Cli.Result delete = dhtctl("delete", "greeting");
        assertThat(delete.exit()).as(delete.toString()).isZero();
        assertThat(delete.out()).isEqualTo("deleted\n");
        assertThat(dhtctl("get", "greeting").exit()).isEqualTo(Exit.NOT_FOUND);
    }

    @Test
    void lsListsEveryLiveKeyOfThePrefixOncePerLinePageAfterPage() {
        List<String> keys = List.of("ls/a", "ls/b", "ls/c", "ls/d", "ls/e");
        keys.forEach(key -> assertThat(dhtctl("put", key, "v").exit()).isZero());
        assertThat(dhtctl("put", "other/ls", "v").exit()).isZero();
        assertThat(dhtctl("delete", "ls/e").exit()).isZero();

        Cli.Result ls = dhtctl("ls", "ls/", "--limit", "2");
        assertThat(ls.exit()).as(ls.toString()).isZero();
        assertThat(ls.out().lines().toList()).containsExactlyInAnyOrder("ls/a", "ls/b", "ls/c", "ls/d");
        assertThat(dhtctl("ls", "ls/").out()).isEqualTo(ls.out());
        assertThat(dhtctl("ls", "--limit", "0").exit()).isEqualTo(Exit.USAGE);
    }

    @Test
    void aBinaryBlobFromAFileRoundTripsThroughStandardInputAndOutput(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        byte[] blob = new byte[300_000];
        new Random(7).nextBytes(blob);
        Path file = dir.resolve("blob.bin");
        Files.write(file, blob);

        Cli.Result put = dhtctl(Files.readAllBytes(file), "put", "blobs/photo.bin", "-");
        assertThat(put.exit()).as(put.toString()).isZero();
        Cli.Result get = dhtctl("get", "blobs/photo.bin", "--verbose");
        assertThat(get.exit()).as(get.toString()).isZero();
        assertThat(get.stdout()).isEqualTo(blob);
        assertThat(get.stderr()).contains("application/octet-stream").contains("300000 bytes");
    }

    @Test
    void theContentTypeIsStoredWithTheValue() {
        assertThat(dhtctl("put", "doc", "{\"a\":1}", "--content-type", "application/json").exit()).isZero();
        Cli.Result get = dhtctl("-o", "json", "get", "doc");
        JsonNode json = Json.parseOrNull(get.stdout());
        assertThat(json.path("contentType").asString()).startsWith("application/json");
        assertThat(json.path("value").asString()).isEqualTo("{\"a\":1}");
        assertThat(json.path("position").asString()).isEqualTo(RingPosition.ofKey("doc").toString());
    }

    @Test
    void aValueWrittenWithATtlShowsWhenItExpiresAndAPermanentOneDoesNot() {
        Instant before = Instant.now();
        Cli.Result put = dhtctl("put", "session", "token", "--ttl", "3600");
        assertThat(put.exit()).as(put.toString()).isZero();
        assertThat(put.out()).isEqualTo("created\n");

        JsonNode json = Json.parseOrNull(dhtctl("-o", "json", "get", "session").stdout());
        Instant expires = Instant.parse(json.path("expires").asString());
        assertThat(expires).isBetween(before.plusSeconds(3600).minusMillis(1), Instant.now().plusSeconds(3600));
        Cli.Result verbose = dhtctl("get", "session", "-v");
        assertThat(verbose.out()).isEqualTo("token");
        assertThat(verbose.stderr()).contains(", expires " + expires);

        assertThat(dhtctl("put", "session", "kept").exit()).isZero();
        assertThat(Json.parseOrNull(dhtctl("-o", "json", "get", "session").stdout()).path("expires").isNull()).isTrue();
        assertThat(dhtctl("get", "session", "-v").stderr()).doesNotContain("expires");
    }

    @Test
    void aTtlThatIsNoPositiveNumberIsAUsageError() {
        for (String ttl : new String[]{"0", "-5", "abc"}) {
            Cli.Result put = dhtctl("put", "never", "v", "--ttl", ttl);
            assertThat(put.exit()).as(put.toString()).isEqualTo(Exit.USAGE);
            assertThat(put.stdout()).isEmpty();
        }
        assertThat(dhtctl("get", "never").exit()).isEqualTo(Exit.NOT_FOUND);
    }

    @Test
    void verboseShowsTheOwnerTheRegistryNamesAndTheHops() {
        Cli.Result put = dhtctl("put", "user:7", "seven", "-v");
        assertThat(put.exit()).as(put.toString()).isZero();
        JsonNode owner = registryOwner("user:7").path("owner");
        // the client sends the write straight to the owner: no forward between nodes
        assertThat(put.stderr()).isEqualTo("via " + owner.path("address").asString() + ", owner " + owner.path("id").asString()
                + ", hops 0, status 201\n");
        assertThat(put.out()).isEqualTo("created\n");
    }

    @Test
    void aMissingKeyExitsWithFourAndSaysSo() {
        Cli.Result get = dhtctl("get", "no-such-key");
        assertThat(get.exit()).isEqualTo(Exit.NOT_FOUND);
        assertThat(get.stderr()).isEqualTo("dhtctl: key 'no-such-key' not found\n");
        assertThat(get.stdout()).isEmpty();
        assertThat(dhtctl("delete", "no-such-key").exit()).isEqualTo(Exit.NOT_FOUND);
    }

    @Test
    void ringListsEveryNodeByIdWithSharesAddingUpTo100Percent() {
        for (int i = 0; i < 30; i++) {
            assertThat(dhtctl("put", "ring-key-" + i, "v").exit()).isZero();
        }
        Cli.Result ring = dhtctl("ring");
        assertThat(ring.exit()).as(ring.toString()).isZero();
        List<String> rows = ring.out().lines().skip(1).filter(line -> line.matches("^[0-9a-f]{16} .*")).toList();
        assertThat(rows).hasSize(3);
        assertThat(rows.stream().map(row -> row.substring(0, 16)).toList()).isSorted();
        BigDecimal total = rows.stream().map(row -> new BigDecimal(row.replaceAll(".*\\s(\\d+\\.\\d\\d)%.*", "$1")))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(total).isEqualByComparingTo("100.00");
        assertThat(ring.out()).contains("READY").containsPattern("(?m)^3 nodes, \\d+ keys, \\d+ stored \\(replica copies included\\)$");

        JsonNode json = Json.parseOrNull(dhtctl("-o", "json", "ring").stdout());
        BigDecimal jsonTotal = BigDecimal.ZERO;
        long owned = 0;
        long stored = 0;
        for (JsonNode node : json.path("nodes")) {
            jsonTotal = jsonTotal.add(node.path("share").decimalValue());
            owned += node.path("ownedKeys").asLong();
            stored += node.path("keys").asLong();
        }
        assertThat(jsonTotal).isEqualByComparingTo("100.00");
        assertThat(owned).isGreaterThanOrEqualTo(30);
        assertThat(stored).isGreaterThanOrEqualTo(owned);
    }

    @Test
    void anAnswerTheClusterRefusesExitsWithOneAndItsProblemOnOneLine() {
        Cli.Result tooLarge = dhtctl(new byte[1024 * 1024 + 1], "put", "too-large", "-");
        assertThat(tooLarge.exit()).as(tooLarge.toString()).isEqualTo(Exit.FAILED);
        assertThat(tooLarge.stderr()).startsWith("dhtctl: ").contains(" answered 413 ").hasLineCount(1);
        assertThat(tooLarge.stdout()).isEmpty();

    }

    @Test
    void aKeyTheClusterWouldRefuseIsABadArgumentAndNeverSent() {
        Cli.Result longKey = dhtctl("get", "k".repeat(1025));
        assertThat(longKey.exit()).as(longKey.toString()).isEqualTo(Exit.USAGE);
        assertThat(longKey.stderr()).isEqualTo("dhtctl: A key is 1 to 1024 bytes of UTF-8.\n");
        assertThat(dhtctl("put", "", "v").exit()).isEqualTo(Exit.USAGE);
    }

    @Test
    void ringWalkedFromOneNodeWithoutTheRegistryIsTheRegistrysRing() {
        Cli.Result viaRegistry = dhtctl("-o", "json", "ring");
        Cli.Result walked = Cli.run(new byte[0], Map.of(), "--node", cluster.node(cluster.indexes().getFirst()).url(), "-o", "json", "ring");
        assertThat(walked.exit()).as(walked.toString()).isZero();
        assertThat(ids(Json.parseOrNull(walked.stdout()))).isEqualTo(ids(Json.parseOrNull(viaRegistry.stdout())));
    }

    @Test
    void ownerAgreesWithTheRegistry() {
        for (String key : List.of("greeting", "user:42", "a/b", "ключ", "x")) {
            Cli.Result owner = dhtctl("-o", "json", "owner", key);
            assertThat(owner.exit()).as(owner.toString()).isZero();
            JsonNode mine = Json.parseOrNull(owner.stdout());
            JsonNode registrys = registryOwner(key);
            assertThat(mine.path("position").asString()).isEqualTo(registrys.path("position").asString());
            assertThat(mine.path("owner").path("id").asString()).isEqualTo(registrys.path("owner").path("id").asString());
            assertThat(mine.path("owner").path("address").asString()).isEqualTo(registrys.path("owner").path("address").asString());
            assertThat(mine.path("registryAgrees").asBoolean()).isTrue();
        }
        Cli.Result text = dhtctl("owner", "greeting");
        assertThat(text.out()).contains("position  " + RingPosition.ofKey("greeting")).contains("registry  agrees")
                .containsPattern("(?m)^node      READY, owns \\[[0-9a-f]{16}, [0-9a-f]{16}\\), \\d+ keys, \\d+ stored \\(replica copies included\\)$");
    }

    @Test
    void theShellSetsGetsAndDeletesLineByLine() {
        byte[] session = "SET 777 abc def\nGET 777\nDELETE 777\nGET 777\nNOPE\nexit\nGET never-read\n".getBytes(StandardCharsets.UTF_8);
        Cli.Result shell = dhtctl(session, "shell");
        assertThat(shell.exit()).as(shell.toString()).isZero();
        assertThat(shell.out()).isEqualTo("OK (created)\nabc def\nOK (deleted)\n(not found)\n");
        assertThat(shell.stderr()).isEqualTo("error: unknown command 'NOPE'; type 'help'\n");
    }

    @Test
    void aNodeGivenWithNodeServesWithoutAnyRegistry() {
        String node = cluster.node(cluster.indexes().get(1)).url();
        assertThat(Cli.run(new byte[0], Map.of(), "--node", node, "put", "direct", "yes").exit()).isZero();
        Cli.Result get = Cli.run(new byte[0], Map.of("DHT_REGISTRY_URL", "http://127.0.0.1:1"), "--node", node, "get", "direct");
        assertThat(get.out()).isEqualTo("yes");
    }

    @Test
    void theRegistryComesFromTheEnvironmentWhenNoOptionNamesIt() {
        Cli.Result ring = Cli.run(new byte[0], Map.of("DHT_REGISTRY_URL", registry), "ring");
        assertThat(ring.exit()).as(ring.toString()).isZero();
        assertThat(ring.out()).contains("3 nodes");
    }

    private JsonNode registryOwner(String key) {
        return json(registry + "/nodes/owner?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
    }

    private static List<String> ids(JsonNode ring) {
        List<String> ids = new ArrayList<>();
        ring.path("nodes").forEach(node -> ids.add(node.path("id").asString() + "@" + node.path("address").asString()
                + " " + node.path("share").decimalValue().toPlainString()));
        return ids;
    }

    private JsonNode json(String url) {
        return cluster.http().get().uri(URI.create(url)).retrieve().body(JsonNode.class);
    }
}
