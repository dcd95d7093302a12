package dht.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** deploy/k8s as {@code kubectl apply -k deploy/k8s} would apply it. */
class KubernetesManifestsTest {

    private static final Path K8S = Checkout.path("deploy/k8s");
    private static String rendered;
    private static Manifests manifests;

    @BeforeAll
    static void render() {
        // one fixed form, so that the mutations below find the same text whichever renderer ran
        rendered = Yaml.canonical(Kustomize.render(K8S));
        manifests = Manifests.read(rendered);
    }

    @Test
    void renderedManifestsAreValid() {
        assertThat(KubernetesChecks.validate(rendered)).isEmpty();
        assertThat(manifests.objects()).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .contains("Namespace/dht", "ConfigMap/dht-config", "Secret/dht-cluster-token",
                        "Deployment/dht-registry", "Service/dht-registry", "StatefulSet/dht-node",
                        "Service/dht-node-headless", "Service/dht-node", "PodDisruptionBudget/dht-node");
    }

    /**
     * Each occurrence of the field, misspelled on its own in a copy of the rendered manifests, makes
     * the validation fail and name the misspelling.
     */
    @ParameterizedTest(name = "{0} misspelled as {1}")
    @CsvSource({
            "containers, contianers",
            "replicas, replcas",
            "readinessProbe, readinesProbe",
            "livenessProbe, livenesProbe",
            "selector, selecter",
            "serviceName, servicename",
            "volumeClaimTemplates, volumeClaimTemplate",
            "terminationGracePeriodSeconds, terminationGracePeriod",
            "httpGet, httpget",
            "metadata, metdata",
    })
    void aMisspelledFieldFailsValidation(String field, String typo) {
        Mutations.assertEachRejected(rendered, field + ":", typo + ":", KubernetesChecks::validate,
                problem -> problem.contains(typo));
    }

    @Test
    void aMisspelledKindFailsValidation() {
        String mutated = rendered.replaceFirst("kind: StatefulSet", "kind: StatefullSet");
        assertThat(KubernetesChecks.validate(mutated)).anyMatch(p -> p.contains("StatefullSet"));
    }

    @Test
    void aValueOfTheWrongTypeFailsValidation() {
        String mutated = rendered.replaceFirst("replicas: 3", "replicas: three");
        assertThat(KubernetesChecks.validate(mutated)).anyMatch(p -> p.contains("does not fit the Kubernetes API types"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "path: /actuator/health/readiness, path: /actuator/health/ready",
            "path: /actuator/health/liveness, path: /health/liveness",
            "prometheus.io/path: /actuator/prometheus, prometheus.io/path: /metrics",
    })
    void aPathTheAppDoesNotServeFailsValidation(String served, String notServed) {
        Mutations.assertEachRejected(rendered, served, notServed, KubernetesChecks::validate,
                problem -> problem.contains("is not served by"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "port: http|port: 8080",
            "port: http|port: web",
            "containerPort: 50001|containerPort: 8080",
            "prometheus.io/port: '50001'|prometheus.io/port: '8080'",
            "value: '50001'|value: '8080'",
    })
    void aPortTheAppDoesNotListenOnFailsValidation(String listening, String notListening) {
        Mutations.assertEachRejected(rendered, listening, notListening, KubernetesChecks::validate,
                problem -> problem.contains("port") || problem.contains("Port"));
    }

    @Test
    void aBrokenReferenceFailsValidation() {
        assertThat(KubernetesChecks.validate(rendered.replace("key: DHT_REGISTRY_URL", "key: DHT_REGISTRY")))
                .anyMatch(p -> p.contains("lacks"));
        assertThat(KubernetesChecks.validate(rendered.replace("serviceName: dht-node-headless", "serviceName: dht-nodes")))
                .anyMatch(p -> p.contains("names no Service"));
        assertThat(KubernetesChecks.validate(rendered.replace("mountPath: /var/lib/dht\n          name: data",
                "mountPath: /var/lib/dht\n          name: date")))
                .anyMatch(p -> p.contains("names no volume"));
    }

    @Test
    void aMisspelledKustomizationFieldFailsValidation(@TempDir Path copy) throws IOException {
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path file : files.toList()) {
                Files.copy(file, copy.resolve(file.getFileName()));
            }
        }
        Path kustomization = copy.resolve("kustomization.yaml");
        Files.writeString(kustomization, Files.readString(kustomization).replace("resources:", "resoures:"));
        assertThat(KubernetesChecks.validateDirectory(copy)).anyMatch(p -> p.contains("resoures"));
    }

    @Test
    void theStandInRendersWhatKubectlKustomizeRenders() {
        assumeTrue(Kustomize.kubectlAvailable(), "kubectl is not installed");
        // kustomize orders the objects by kind; the stand-in keeps the order of the files
        assertThat(Yaml.canonical(Kustomize.withoutKubectl(K8S)).split("---\n"))
                .containsExactlyInAnyOrder(Yaml.canonical(Kustomize.withKubectl(K8S)).split("---\n"));
    }

    @Test
    void nodesAdvertiseTheirStableAddressUnderTheHeadlessService() {
        StatefulSet nodes = manifests.get(StatefulSet.class, "dht-node");
        Service headless = manifests.get(Service.class, nodes.getSpec().getServiceName());
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        // peers reach a node that is joining (not ready yet) or leaving (no longer ready)
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        Map<String, EnvVar> env = env(nodeContainer());
        assertThat(env.get("DHT_ADVERTISED_ADDRESS").getValue()).isEqualTo(
                "$(POD_NAME).$(DHT_HEADLESS_SERVICE).$(POD_NAMESPACE).svc.$(DHT_CLUSTER_DOMAIN):" + App.NODE.serverPort());
        assertThat(env.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.name");
        assertThat(env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
        ConfigMap config = manifests.get(ConfigMap.class, "dht-config");
        assertThat(config.getData()).containsEntry("DHT_HEADLESS_SERVICE", headless.getMetadata().getName());
        assertThat(config.getData().get("DHT_REGISTRY_URL")).isEqualTo("http://" + manifests.get(Service.class,
                "dht-registry").getMetadata().getName() + ":" + App.REGISTRY.serverPort());
    }

    @Test
    void nodesLeaveGracefullyBeforeTheirPodGoes() {
        StatefulSet nodes = manifests.get(StatefulSet.class, "dht-node");
        Container node = nodeContainer();
        assertThat(node.getLifecycle().getPreStop()).isNotNull();
        long preStop = preStopSeconds(node);
        // Spring's shutdown phase (with the leave in it) may take 90 s after the preStop pause
        assertThat(nodes.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isGreaterThanOrEqualTo(120L).isGreaterThanOrEqualTo(preStop + 90);
        assertThat(nodes.getSpec().getPodManagementPolicy()).isEqualTo("OrderedReady");
        assertThat(nodes.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
    }

    @Test
    void atMostOneNodeIsDisruptedAtATime() {
        PodDisruptionBudget budget = manifests.get(PodDisruptionBudget.class, "dht-node");
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(budget.getSpec().getSelector().getMatchLabels())
                .isEqualTo(manifests.get(StatefulSet.class, "dht-node").getSpec().getSelector().getMatchLabels());
    }

    @Test
    void eachNodeKeepsItsDataOnItsOwnVolume() {
        StatefulSet nodes = manifests.get(StatefulSet.class, "dht-node");
        String dataDir = manifests.get(ConfigMap.class, "dht-config").getData().get("DHT_DATA_DIR");
        assertThat(env(nodeContainer()).get("DHT_DATA_DIR").getValueFrom().getConfigMapKeyRef().getKey())
                .isEqualTo("DHT_DATA_DIR");
        assertThat(nodes.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim ->
                assertThat(nodeContainer().getVolumeMounts()).anyMatch(mount ->
                        mount.getName().equals(claim.getMetadata().getName()) && mount.getMountPath().equals(dataDir)));
        assertThat(env(nodeContainer()).get("DHT_SECURITY_CLUSTER_TOKEN").getValueFrom().getSecretKeyRef()).isNotNull();
    }

    @Test
    void everyContainerHasResourceRequestsAndLimits() {
        Stream.concat(manifests.all(StatefulSet.class).stream().flatMap(s -> s.getSpec().getTemplate().getSpec().getContainers().stream()),
                        manifests.all(Deployment.class).stream().flatMap(d -> d.getSpec().getTemplate().getSpec().getContainers().stream()))
                .forEach(container -> {
                    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
                    assertThat(container.getResources().getLimits()).containsKey("memory");
                });
    }

    @Test
    void theRegistryRunsAsOneReplicaThatIsNeverDoubled() {
        Deployment registry = manifests.get(Deployment.class, "dht-registry");
        assertThat(registry.getSpec().getReplicas()).isEqualTo(1);
        assertThat(registry.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    }

    private static Container nodeContainer() {
        return manifests.get(StatefulSet.class, "dht-node").getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    private static Map<String, EnvVar> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    private static long preStopSeconds(Container container) {
        var preStop = container.getLifecycle().getPreStop();
        if (preStop.getSleep() != null) {
            return preStop.getSleep().getSeconds();
        }
        Matcher sleep = Pattern.compile("sleep\\s+(\\d+)").matcher(String.join(" ", preStop.getExec().getCommand()));
        assertThat(sleep.find()).as("preStop sleeps").isTrue();
        return Long.parseLong(sleep.group(1));
    }
}
