package dht.cli;

import dht.client.Json;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.VirtualPositions;
import dht.core.wire.RingListing;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code dhtctl ring} and {@code owner} against three nodes of four positions each: shares and owners count every position. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VirtualNodesCommandsTest {

    private static final int POSITIONS = 4;

    private TestCluster cluster;

    @BeforeAll
    void startCluster() {
        cluster = TestCluster.builder().nodes(3).nodeProperty("dht.virtual-nodes=" + POSITIONS).build();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void eachNodesShareIsWhatAllItsPositionsOwn() {
        Ring ring = registryRing();
        Cli.Result result = dhtctl("-o", "json", "ring");
        assertThat(result.exit()).as(result.toString()).isZero();

        BigDecimal total = BigDecimal.ZERO;
        for (JsonNode node : Json.parseOrNull(result.stdout()).path("nodes")) {
            NodeRef ref = ring.nodes().stream().filter(member -> member.address().equals(node.path("address").asString())).findFirst().orElseThrow();
            BigDecimal exact = new BigDecimal(VirtualPositions.load(ring, ref).multiply(BigInteger.valueOf(100)))
                    .divide(new BigDecimal(BigInteger.ONE.shiftLeft(64)), 4, RoundingMode.HALF_EVEN);
            assertThat(node.path("share").decimalValue()).as("share of %s", ref).isCloseTo(exact, within(new BigDecimal("0.01")));
            total = total.add(node.path("share").decimalValue());
        }
        assertThat(total).isEqualByComparingTo("100.00");
    }

    @Test
    void theOwnerOfAKeyAtAnyPositionAgreesWithTheRegistryAndTheNodeItself() {
        for (String key : IntStream.range(0, 40).mapToObj(i -> "vkey-" + i).toList()) {
            Cli.Result owner = dhtctl("-o", "json", "owner", key);
            assertThat(owner.exit()).as(owner.toString()).isZero();
            JsonNode registrys = json(cluster.registryUrl() + "/nodes/owner?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
            assertThat(Json.parseOrNull(owner.stdout()).path("owner").path("address").asString())
                    .isEqualTo(registrys.path("owner").path("address").asString());
        }
        Cli.Result text = dhtctl("owner", "vkey-0");
        assertThat(text.out()).containsPattern("(?m)^node      READY, owns \\[[0-9a-f]{16}, [0-9a-f]{16}\\) \\(1 of " + POSITIONS + " ranges\\), ");
    }

    private Ring registryRing() {
        JsonNode listing = json(cluster.registryUrl() + "/nodes");
        return Json.MAPPER.treeToValue(listing, RingListing.class).ring();
    }

    private Cli.Result dhtctl(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--registry";
        all[1] = cluster.registryUrl();
        System.arraycopy(args, 0, all, 2, args.length);
        return Cli.run(new byte[0], Map.of(), all);
    }

    private JsonNode json(String url) {
        return cluster.http().get().uri(URI.create(url)).retrieve().body(JsonNode.class);
    }
}
