package dht.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * deploy/k8s as {@code kubectl apply -k deploy/k8s} would apply it, once the operator has created
 * the cluster token file: rendered from a copy with a token of the test's own in that file.
 */
class KubernetesManifestsTest {

    private static final Path K8S = Checkout.path("deploy/k8s");
    private static final String TOKEN = ClusterTokenFile.random();
    @SuppressWarnings("unchecked")
    private static final Class<Map<String, Object>> MAP = (Class<Map<String, Object>>) (Class<?>) Map.class;
    @TempDir
    static Path withToken;
    private static String rendered;
    private static Manifests manifests;

    @BeforeAll
    static void render() {
        ClusterTokenFile.copy(K8S, withToken, TOKEN);
        // one fixed form, so that the mutations below find the same text whichever renderer ran
        rendered = Yaml.canonical(Kustomize.render(withToken));
        manifests = Manifests.read(rendered);
    }

    @Test
    void renderedManifestsAreValid() {
        assertThat(KubernetesChecks.validate(rendered)).isEmpty();
        assertThat(manifests.objects()).extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .contains("Namespace/dht", "ConfigMap/dht-config", "Secret/dht-cluster-token",
                        "Deployment/dht-registry", "Service/dht-registry", "StatefulSet/dht-node",
                        "Service/dht-node-headless", "Service/dht-node", "PodDisruptionBudget/dht-node",
                        "ConfigMap/dht-node-hooks", "ServiceAccount/dht-node", "Role/dht-node-read-scale",
                        "RoleBinding/dht-node-read-scale");
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

    /**
     * The node image sizes its heap as a share of the container's limit; what is left must hold the
     * JVM's own memory (about 170 MiB: metaspace, compiled code, the collector's structures) and
     * RocksDB's, outside the heap (memtables and block caches of the keys and the hints, at most
     * 128 MiB), or the container is killed for memory while its heap still has room.
     */
    @Test
    void theNodesMemoryLimitLeavesRoomBesidesItsHeap() {
        Container node = manifests.get(StatefulSet.class, "dht-node").getSpec().getTemplate().getSpec().getContainers().getFirst();
        long limit = Quantity.getAmountInBytes(node.getResources().getLimits().get("memory")).longValue();
        Matcher heapShare = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(Checkout.read("deploy/docker/node.Dockerfile"));
        assertThat(heapShare.find()).as("the node image's -XX:MaxRAMPercentage").isTrue();
        long besidesHeap = limit - limit * Integer.parseInt(heapShare.group(1)) / 100;
        assertThat(besidesHeap).as("bytes the %d-byte limit leaves besides the heap", limit)
                .isGreaterThanOrEqualTo(300L * 1024 * 1024);
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
        assertThat(KubernetesChecks.validate(rendered.replace("serviceAccountName: dht-node", "serviceAccountName: dht-nodes")))
                .anyMatch(p -> p.contains("names no ServiceAccount"));
        assertThat(KubernetesChecks.validate(rendered.replace("name: dht-node-hooks\n        name: hooks",
                "name: dht-node-hook\n        name: hooks")))
                .anyMatch(p -> p.contains("mounts ConfigMap dht-node-hook, which is not defined"));
    }

    @Test
    void aBindingToWhatTheseManifestsDoNotDefineFailsValidation() {
        String wrongRole = edited(document -> {
            if ("RoleBinding".equals(document.get("kind"))) {
                Yaml.at(document, "roleRef").map(MAP::cast).orElseThrow().put("name", "dht-node-reader");
            }
        });
        assertThat(KubernetesChecks.validate(wrongRole)).anyMatch(p -> p.contains("names no Role"));
        String wrongAccount = edited(document -> {
            if ("RoleBinding".equals(document.get("kind"))) {
                document.put("subjects", List.of(Map.of("kind", "ServiceAccount", "name", "default")));
            }
        });
        assertThat(KubernetesChecks.validate(wrongAccount)).anyMatch(p -> p.contains("is no ServiceAccount of these manifests"));
    }

    @Test
    void aWildcardPermissionFailsValidation() {
        String wildcard = edited(document -> {
            if ("Role".equals(document.get("kind"))) {
                document.put("rules", List.of(Map.of("apiGroups", List.of("apps"), "resources", List.of("*"),
                        "verbs", List.of("get"))));
            }
        });
        assertThat(KubernetesChecks.validate(wildcard)).anyMatch(p -> p.contains("wildcard"));
    }

    /**
     * The preStop hook reads the desired replicas of its own StatefulSet with the pod's token: the
     * pods run as a ServiceAccount of their own, whose only permission is reading that one
     * StatefulSet's scale. The registry gets nothing.
     */
    @Test
    void theNodesMayOnlyReadTheirStatefulSetsScale() {
        StatefulSet nodes = manifests.get(StatefulSet.class, "dht-node");
        String account = nodes.getSpec().getTemplate().getSpec().getServiceAccountName();
        assertThat(manifests.get(ServiceAccount.class, account).getAutomountServiceAccountToken())
                .as("the token is mounted").isNotEqualTo(Boolean.FALSE);
        assertThat(nodes.getSpec().getTemplate().getSpec().getAutomountServiceAccountToken()).isNotEqualTo(Boolean.FALSE);
        List<RoleBinding> bindings = manifests.all(RoleBinding.class).stream()
                .filter(binding -> binding.getSubjects().stream().anyMatch(subject -> account.equals(subject.getName())))
                .toList();
        assertThat(bindings).singleElement().satisfies(binding -> {
            assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
                assertThat(subject.getKind()).isEqualTo("ServiceAccount");
                assertThat(subject.getNamespace()).isEqualTo(binding.getMetadata().getNamespace());
            });
            assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
            assertThat(manifests.get(Role.class, binding.getRoleRef().getName()).getRules()).singleElement()
                    .satisfies(rule -> {
                        assertThat(rule.getApiGroups()).containsExactly("apps");
                        assertThat(rule.getResources()).containsExactly("statefulsets/scale");
                        assertThat(rule.getResourceNames()).containsExactly(nodes.getMetadata().getName());
                        assertThat(rule.getVerbs()).containsExactly("get");
                    });
        });
        assertThat(manifests.all(Role.class)).hasSize(1);
        assertThat(manifests.all(RoleBinding.class)).hasSize(1);
        assertThat(manifests.get(Deployment.class, "dht-registry").getSpec().getTemplate().getSpec()
                .getServiceAccountName()).as("the registry's account").isNotEqualTo(account);
    }

    @Test
    void aMisspelledKustomizationFieldFailsValidation(@TempDir Path copy) throws IOException {
        ClusterTokenFile.copy(K8S, copy, ClusterTokenFile.random());
        Path kustomization = copy.resolve("kustomization.yaml");
        Files.writeString(kustomization, Files.readString(kustomization).replace("resources:", "resoures:"));
        assertThat(KubernetesChecks.validateDirectory(copy)).anyMatch(p -> p.contains("resoures"));
    }

    @Test
    void theStandInRendersWhatKubectlKustomizeRenders() {
        assumeTrue(Kustomize.kubectlAvailable(), "kubectl is not installed");
        // kustomize orders the objects by kind; the stand-in keeps the order of the files
        assertThat(Yaml.canonical(Kustomize.withoutKubectl(withToken)).split("---\n"))
                .containsExactlyInAnyOrder(Yaml.canonical(Kustomize.withKubectl(withToken)).split("---\n"));
    }

    @Test
    void theStandInRefusesAGeneratorItWouldRenderDifferently(@TempDir Path copy) throws IOException {
        ClusterTokenFile.copy(K8S, copy, ClusterTokenFile.random());
        Path kustomization = copy.resolve("kustomization.yaml");
        String text = Files.readString(kustomization);
        // kustomize would hash the name; the stand-in cannot
        Files.writeString(kustomization, text.replace("disableNameSuffixHash: true", "disableNameSuffixHash: false"));
        assertThat(text).contains("disableNameSuffixHash: true");
        assertThatThrownBy(() -> Kustomize.withoutKubectl(copy)).isInstanceOf(Kustomize.RenderException.class)
                .hasMessageContaining("disableNameSuffixHash");
        Files.writeString(kustomization, text.replace("    files:\n", "    literals:\n"));
        assertThatThrownBy(() -> Kustomize.withoutKubectl(copy)).isInstanceOf(Kustomize.RenderException.class)
                .hasMessageContaining("literals");
    }

    @Test
    void theClusterTokenSecretIsGeneratedFromTheOperatorsFile() {
        Secret secret = manifests.get(Secret.class, ClusterTokenFile.SECRET);
        assertThat(secret.getStringData()).as("stringData, a value written into the manifests").isNullOrEmpty();
        assertThat(secret.getData()).containsOnlyKeys(ClusterTokenFile.KEY);
        // the very bytes of the file, no line break added or kept
        assertThat(new String(Base64.getMimeDecoder().decode(secret.getData().get(ClusterTokenFile.KEY)),
                StandardCharsets.UTF_8)).isEqualTo(TOKEN);
        assertThat(secret.getMetadata().getName()).as("the name the pods refer to, unhashed")
                .isEqualTo(ClusterTokenFile.SECRET);
        assertThat(secret.getMetadata().getLabels()).containsEntry("app.kubernetes.io/part-of", "dht");
    }

    @Test
    void theRegistryAndTheNodesReadTheClusterTokenFromTheGeneratedSecret() {
        Stream.of(nodeContainer(), manifests.get(Deployment.class, "dht-registry").getSpec().getTemplate().getSpec()
                        .getContainers().getFirst())
                .forEach(container -> {
                    var reference = env(container).get("DHT_SECURITY_CLUSTER_TOKEN").getValueFrom().getSecretKeyRef();
                    assertThat(reference.getName()).isEqualTo(ClusterTokenFile.SECRET);
                    assertThat(reference.getKey()).isEqualTo(ClusterTokenFile.KEY);
                    assertThat(reference.getOptional()).as("optional: a pod without the token would start in protected mode")
                            .isNotEqualTo(Boolean.TRUE);
                });
    }

    @Test
    void renderingFailsWithoutTheOperatorsTokenFile(@TempDir Path copy) {
        ClusterTokenFile.copy(K8S, copy, null);
        String file = ClusterTokenFile.of(K8S).orElseThrow(() -> new AssertionError(
                "no secretGenerator makes Secret " + ClusterTokenFile.SECRET + " from a file"));
        assertThat(KubernetesChecks.validateDirectory(copy)).anyMatch(problem -> problem.contains(file));
    }

    @Test
    void theTokenFileIsGitignoredAndNotInTheRepository() {
        String file = ClusterTokenFile.of(K8S).orElseThrow(() -> new AssertionError(
                "no secretGenerator makes Secret " + ClusterTokenFile.SECRET + " from a file"));
        Path path = K8S.resolve(file).normalize();
        assertThat(path.startsWith(K8S)).as("%s lies inside deploy/k8s", file).isTrue();
        String relative = Checkout.root().relativize(path).toString().replace('\\', '/');
        assertThat(Checkout.ignoredByGit(relative)).as("git ignores %s", relative).isTrue();
    }

    @Test
    void noSecretIsWrittenIntoTheResourceFiles() {
        Map<String, Object> kustomization = Yaml.load(Checkout.read(K8S.resolve("kustomization.yaml")), "kustomization.yaml");
        for (Object resource : (List<?>) kustomization.get("resources")) {
            for (Object document : Yaml.loadAll(Checkout.read(K8S.resolve(String.valueOf(resource))))) {
                assertThat(((Map<?, ?>) document).get("kind")).as("a document of %s", resource).isNotEqualTo("Secret");
            }
        }
    }

    @Test
    void aSecretWrittenIntoAWorkloadFailsValidation() {
        String literal = edited(document -> forEachTokenVariable(document, variable -> {
            variable.remove("valueFrom");
            variable.put("value", ClusterTokenFile.random());
        }));
        assertThat(KubernetesChecks.validate(literal))
                .anyMatch(p -> p.contains("DHT_SECURITY_CLUSTER_TOKEN is a secret written into the manifest"));
        String fromConfigMap = edited(document -> forEachTokenVariable(document, variable ->
                variable.put("valueFrom", Map.of("configMapKeyRef", Map.of("name", "dht-config", "key", "DHT_REGISTRY_URL")))));
        assertThat(KubernetesChecks.validate(fromConfigMap)).anyMatch(p -> p.contains("read from ConfigMap dht-config"));
    }

    @Test
    void aPlaceholderInASecretFailsValidation() {
        String encoded = edited(document -> {
            if ("Secret".equals(document.get("kind"))) {
                document.put("data", Map.of(ClusterTokenFile.KEY, Base64.getEncoder().encodeToString(
                        "change-me-before-production".getBytes(StandardCharsets.UTF_8))));
            }
        });
        assertThat(KubernetesChecks.validate(encoded)).anyMatch(p -> p.contains("data cluster-token is a placeholder"));
        String stringData = edited(document -> {
            if ("Secret".equals(document.get("kind"))) {
                document.remove("data");
                document.put("stringData", Map.of(ClusterTokenFile.KEY, "change-me"));
            }
        });
        assertThat(KubernetesChecks.validate(stringData)).anyMatch(p -> p.contains("stringData cluster-token is a placeholder"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSecretInTheConfigMapFailsValidation() {
        String mutated = edited(document -> {
            if ("ConfigMap".equals(document.get("kind"))) {
                ((Map<String, Object>) document.get("data")).put("DHT_SECURITY_CLUSTER_TOKEN", ClusterTokenFile.random());
            }
        });
        assertThat(KubernetesChecks.validate(mutated)).anyMatch(p -> p.contains("it belongs in a Secret"));
    }

    @Test
    void noDeployFileShipsAPlaceholderSecret() throws IOException {
        try (Stream<Path> files = Stream.concat(Files.walk(K8S), Stream.of(Checkout.path("deploy/compose.yaml")))) {
            assertThat(files.filter(Files::isRegularFile)
                    .filter(file -> !ClusterTokenFile.of(K8S).map(K8S::resolve).map(file::equals).orElse(false))
                    .filter(file -> Secrets.hasPlaceholder(Checkout.read(file)))
                    .map(file -> Checkout.root().relativize(file).toString()))
                    .as("deploy files with a placeholder secret (change-me...)").isEmpty();
        }
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

    /**
     * The preStop hook is the script of the generated ConfigMap, mounted into the pod (what it decides
     * is {@link PreStopHookTest}'s), and the grace period holds either of its ways: a pause and then
     * Spring's graceful shutdown (at most 90 s), or the wait for a leave that runs inside that phase.
     */
    @Test
    void nodesRunThePreStopHookOfTheGeneratedConfigMapWithinTheirGracePeriod() {
        StatefulSet nodes = manifests.get(StatefulSet.class, "dht-node");
        List<String> command = nodeContainer().getLifecycle().getPreStop().getExec().getCommand();
        Path script = Path.of(command.getLast());
        assertThat(command.get(command.size() - 2)).isEqualTo("bash");
        var mount = nodeContainer().getVolumeMounts().stream()
                .filter(m -> Path.of(m.getMountPath()).equals(script.getParent())).findFirst().orElseThrow();
        var volume = nodes.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertThat(manifests.get(ConfigMap.class, volume.getConfigMap().getName()).getData())
                .containsEntry(script.getFileName().toString(), Checkout.read(K8S.resolve("node-pre-stop.sh")));
        long pause = hookSetting(command, "DHT_PRE_STOP_PAUSE_SECONDS");
        long leaveWait = hookSetting(command, "DHT_PRE_STOP_LEAVE_WAIT_SECONDS");
        assertThat(leaveWait).as("the leave's wait covers Spring's shutdown phase").isGreaterThanOrEqualTo(90);
        assertThat(nodes.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isGreaterThanOrEqualTo(pause + 90).isGreaterThan(leaveWait + 30);
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

    /** The rendered manifests with {@code edit} applied to each document (a mutable copy). */
    private static String edited(Consumer<Map<String, Object>> edit) {
        List<String> documents = new ArrayList<>();
        for (Object document : Yaml.loadAll(rendered)) {
            Map<String, Object> copy = mutableCopy(document);
            edit.accept(copy);
            documents.add(Yaml.dump(copy));
        }
        String text = String.join("---\n", documents);
        assertThat(Yaml.canonical(text)).as("the edit changed something").isNotEqualTo(rendered);
        return text;
    }

    @SuppressWarnings("unchecked")
    private static <T> T mutableCopy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((key, element) -> copy.put(String.valueOf(key), mutableCopy(element)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            return (T) list.stream().map(KubernetesManifestsTest::mutableCopy).collect(Collectors.toCollection(ArrayList::new));
        }
        return (T) value;
    }

    /** Each env entry DHT_SECURITY_CLUSTER_TOKEN of a workload document. */
    @SuppressWarnings("unchecked")
    private static void forEachTokenVariable(Map<String, Object> document, Consumer<Map<String, Object>> action) {
        Yaml.at(document, "spec.template.spec.containers").ifPresent(containers -> {
            for (Object container : (List<Object>) containers) {
                for (Object variable : (List<Object>) ((Map<String, Object>) container).getOrDefault("env", List.of())) {
                    Map<String, Object> entry = (Map<String, Object>) variable;
                    if ("DHT_SECURITY_CLUSTER_TOKEN".equals(entry.get("name"))) {
                        action.accept(entry);
                    }
                }
            }
        });
    }

    private static Container nodeContainer() {
        return manifests.get(StatefulSet.class, "dht-node").getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    private static Map<String, EnvVar> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
    }

    /** A NAME=seconds the hook's command sets with env. */
    private static long hookSetting(List<String> command, String name) {
        Matcher setting = Pattern.compile("^" + name + "=(\\d+)$").matcher("");
        return command.stream().filter(word -> setting.reset(word).matches()).findFirst()
                .map(word -> Long.parseLong(word.substring(name.length() + 1)))
                .orElseThrow(() -> new AssertionError("the preStop command sets no " + name + ": " + command));
    }
}
