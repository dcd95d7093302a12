package dht.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** deploy/compose.yaml: the registry and three nodes, as the seed design's docker-compose ran them. */
class ComposeFileTest {

    private static final Path COMPOSE = Checkout.path("deploy/compose.yaml");
    private static final String TEXT = Checkout.read(COMPOSE);
    private static final Path BASE = COMPOSE.getParent();

    @Test
    void composeFileIsValid() {
        assertThat(ComposeChecks.validate(COMPOSE)).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void runsTheRegistryAndThreeNodesThatJoinOneAfterTheOther() {
        Map<String, Object> compose = Yaml.load(TEXT, COMPOSE.toString());
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        assertThat(services).containsOnlyKeys("registry", "node1", "node2", "node3");
        assertThat(Yaml.at(compose, "services.node1.depends_on.registry.condition")).contains("service_healthy");
        assertThat(Yaml.at(compose, "services.node2.depends_on.node1.condition")).contains("service_healthy");
        assertThat(Yaml.at(compose, "services.node3.depends_on.node2.condition")).contains("service_healthy");
        for (String node : List.of("node1", "node2", "node3")) {
            assertThat(Yaml.at(compose, "services." + node + ".volumes")).hasValueSatisfying(volumes ->
                    assertThat((List<Object>) volumes).contains(node + "-data:/var/lib/dht"));
            assertThat(Yaml.at(compose, "services." + node + ".environment.DHT_DATA_DIR")).contains("/var/lib/dht");
        }
    }

    /** Each occurrence, changed on its own in a copy of the file, makes the validation fail. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "healthcheck:|helthcheck:",
            "depends_on:|depend_on:",
            "environment:|enviroment:",
            "dockerfile:|dockerfil:",
            "stop_grace_period:|stop_grace:",
            "start_period:|start_periode:",
            "condition:|conditon:",
            "condition: service_healthy|condition: service_healty",
            "services:|service:",
            "volumes:|volume:",
            "image: dht-node|imag: dht-node",
            "depends_on:\\n      registry:|depends_on:\\n      registy:",
            "deploy/docker/node.Dockerfile|deploy/docker/nodes.Dockerfile",
            "/actuator/health/readiness|/actuator/health/ready",
            "localhost:50001/actuator|localhost:8080/actuator",
            "DHT_ADVERTISED_ADDRESS: node2:50001|DHT_ADVERTISED_ADDRESS: node-2:50001",
            "http://registry:50000|http://registry:5000",
            "node3-data:/var|node4-data:/var",
            "${DHT_CLUSTER_TOKEN:?set|${DHT_CLUSTER_TOKEN:-set",
            "${DHT_CLUSTER_TOKEN:?set|${DHT_CLUSTER_TOKEN?set",
            "$$(openssl|$(openssl",
    })
    void aMistakeFailsValidation(String right, String wrong) {
        Mutations.assertEachRejected(TEXT, right.replace("\\n", "\n"), wrong.replace("\\n", "\n"),
                copy -> ComposeChecks.validate(copy, BASE), problem -> true);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theClusterTokenMustBeSetAndHasNoDefault() {
        Map<String, Object> compose = Yaml.load(TEXT, COMPOSE.toString());
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        for (String service : List.of("registry", "node1", "node2", "node3")) {
            assertThat(Yaml.at(compose, "services." + service + ".environment.DHT_SECURITY_CLUSTER_TOKEN"))
                    .as("%s's cluster token", service)
                    .hasValueSatisfying(value -> assertThat(String.valueOf(value))
                            .startsWith("${DHT_CLUSTER_TOKEN:?").endsWith("}")
                            .contains("at least 32 characters", "openssl rand -hex 32"));
        }
        assertThat(services).hasSize(4);
    }

    @Test
    void theUsageSetsTheTokenBeforeComposeStarts() {
        List<String> usage = TEXT.lines().takeWhile(line -> line.startsWith("#")).toList();
        int export = indexOf(usage, "export DHT_CLUSTER_TOKEN=$(openssl rand -hex 32)");
        int up = indexOf(usage, "docker compose -f deploy/compose.yaml up");
        assertThat(export).as("the usage exports DHT_CLUSTER_TOKEN").isNotNegative();
        assertThat(up).isGreaterThan(export);
    }

    /** A known, literal or defaulted token: each, in a copy of the file, makes the validation fail. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "change-me",
            "${DHT_CLUSTER_TOKEN:-change-me}",
            "${DHT_CLUSTER_TOKEN}",
            "0123456789abcdef0123456789abcdef0123456789abcdef",
    })
    void aTokenThatIsNotRequiredFailsValidation(String token) {
        String required = TEXT.lines().filter(line -> line.contains("DHT_SECURITY_CLUSTER_TOKEN:")).findFirst()
                .orElseThrow().replaceFirst("^\\s*DHT_SECURITY_CLUSTER_TOKEN:\\s*", "");
        Mutations.assertEachRejected(TEXT, required, token, copy -> ComposeChecks.validate(copy, BASE),
                problem -> problem.contains("DHT_SECURITY_CLUSTER_TOKEN is a secret"));
    }

    @Test
    void aMisspelledKeyIsNamedInTheProblem() {
        assertThat(ComposeChecks.validate(TEXT.replaceFirst("healthcheck:", "helthcheck:"), BASE))
                .anyMatch(p -> p.contains("unknown key helthcheck"));
    }

    @Test
    void aKeyGivenTwiceFailsValidation() {
        String twice = TEXT.replaceFirst("    restart: unless-stopped\n", "    restart: unless-stopped\n    restart: always\n");
        assertThat(twice).isNotEqualTo(TEXT);
        assertThat(ComposeChecks.validate(twice, BASE)).isNotEmpty();
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aDependencyCycleFailsValidation() {
        String cycle = TEXT.replaceFirst("(?m)^  registry:\\n", "  registry:\n    depends_on: [node3]\n");
        assertThat(ComposeChecks.validate(cycle, BASE)).anyMatch(p -> p.contains("cycle"));
    }
}
