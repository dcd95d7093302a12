package dht.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates a kustomization strictly and offline: renders it as {@code kubectl apply -k} would
 * ({@link Kustomize}), reads every document into fabric8's typed models rejecting unknown fields
 * and kinds ({@link Manifests}), then checks what the schema alone cannot: the fields these
 * manifests rely on are there, the references between objects hold (selectors, the StatefulSet's
 * Service, ConfigMap and Secret keys, volumes, named ports), every probe and scrape annotation
 * points at a path and port the app in the container really serves ({@link App}), no secret is
 * written into a manifest: secret settings come from a Secret, and no Secret holds a placeholder
 * ({@link Secrets}), and the API permissions are bound where they are meant and grant no wildcard.
 */
final class KubernetesChecks {

    private static final Set<String> CHECKED_KINDS = Set.of("Namespace", "ConfigMap", "Secret", "Service",
            "Deployment", "StatefulSet", "PodDisruptionBudget", "ServiceAccount", "Role", "RoleBinding");
    private static final Pattern VARIABLE_REFERENCE = Pattern.compile("(?<!\\$)\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

    private final Manifests manifests;
    private final List<String> problems = new ArrayList<>();

    private KubernetesChecks(Manifests manifests) {
        this.manifests = manifests;
        problems.addAll(manifests.problems());
    }

    /** Every problem of the kustomization in {@code directory}; empty when it is valid. */
    static List<String> validateDirectory(Path directory) {
        String rendered;
        try {
            rendered = Kustomize.render(directory);
        } catch (Kustomize.RenderException e) {
            return List.of(e.getMessage());
        }
        return validate(rendered);
    }

    /** Every problem of already rendered manifests; empty when they are valid. */
    static List<String> validate(String rendered) {
        KubernetesChecks checks = new KubernetesChecks(Manifests.read(rendered));
        checks.run();
        return List.copyOf(checks.problems);
    }

    private record Workload(HasMetadata owner, LabelSelector selector, PodTemplateSpec template,
                            List<PersistentVolumeClaim> claims) {
        Map<String, String> podLabels() {
            return template == null || template.getMetadata() == null || template.getMetadata().getLabels() == null
                    ? Map.of() : template.getMetadata().getLabels();
        }

        List<Container> containers() {
            return template == null || template.getSpec() == null || template.getSpec().getContainers() == null
                    ? List.of() : template.getSpec().getContainers();
        }
    }

    private void run() {
        Set<String> namespaces = new HashSet<>();
        manifests.all(Namespace.class).forEach(n -> namespaces.add(n.getMetadata().getName()));
        Set<String> seen = new HashSet<>();
        for (HasMetadata object : manifests.objects()) {
            String where = Manifests.where(object);
            if (!CHECKED_KINDS.contains(object.getKind())) {
                problems.add(where + ": deploy-checks has no checks for kind " + object.getKind() + " yet");
            }
            if (!seen.add(object.getKind() + "/" + object.getMetadata().getNamespace() + "/" + object.getMetadata().getName())) {
                problems.add(where + ": defined twice");
            }
            if (!(object instanceof Namespace)) {
                String namespace = object.getMetadata().getNamespace();
                if (blank(namespace)) {
                    problems.add(where + ": no namespace (kustomization.yaml sets it for every object)");
                } else if (!namespaces.contains(namespace)) {
                    problems.add(where + ": namespace " + namespace + " is not created by these manifests");
                }
            }
        }
        manifests.all(Secret.class).forEach(this::checkSecret);
        manifests.all(ConfigMap.class).forEach(this::checkConfigMap);
        List<Workload> workloads = workloads();
        workloads.forEach(this::checkWorkload);
        manifests.all(StatefulSet.class).forEach(this::checkStatefulSet);
        manifests.all(Service.class).forEach(service -> checkService(service, workloads));
        manifests.all(PodDisruptionBudget.class).forEach(pdb -> checkDisruptionBudget(pdb, workloads));
        manifests.all(Role.class).forEach(this::checkRole);
        manifests.all(RoleBinding.class).forEach(this::checkRoleBinding);
    }

    private List<Workload> workloads() {
        List<Workload> workloads = new ArrayList<>();
        for (Deployment deployment : manifests.all(Deployment.class)) {
            if (deployment.getSpec() == null) {
                problems.add(Manifests.where(deployment) + ": spec is required");
                continue;
            }
            workloads.add(new Workload(deployment, deployment.getSpec().getSelector(),
                    deployment.getSpec().getTemplate(), List.of()));
        }
        for (StatefulSet statefulSet : manifests.all(StatefulSet.class)) {
            if (statefulSet.getSpec() == null) {
                problems.add(Manifests.where(statefulSet) + ": spec is required");
                continue;
            }
            workloads.add(new Workload(statefulSet, statefulSet.getSpec().getSelector(),
                    statefulSet.getSpec().getTemplate(),
                    Objects.requireNonNullElse(statefulSet.getSpec().getVolumeClaimTemplates(), List.of())));
        }
        return workloads;
    }

    private void checkWorkload(Workload workload) {
        String where = Manifests.where(workload.owner());
        if (workload.selector() == null || workload.selector().getMatchLabels() == null
                || workload.selector().getMatchLabels().isEmpty()) {
            problems.add(where + ": spec.selector.matchLabels is required");
        } else if (!matches(workload.selector().getMatchLabels(), workload.podLabels())) {
            problems.add(where + ": spec.selector.matchLabels " + workload.selector().getMatchLabels()
                    + " does not match the template's labels " + workload.podLabels());
        }
        if (workload.template() == null || workload.template().getSpec() == null) {
            problems.add(where + ": spec.template.spec is required");
            return;
        }
        PodSpec pod = workload.template().getSpec();
        if (workload.containers().isEmpty()) {
            problems.add(where + ": spec.template.spec.containers must list at least one container");
        }
        String account = pod.getServiceAccountName();
        if (!blank(account) && !"default".equals(account) && manifests.find(ServiceAccount.class, account).isEmpty()) {
            problems.add(where + ": serviceAccountName " + account + " names no ServiceAccount of these manifests");
        }
        Set<String> volumes = new HashSet<>();
        Objects.requireNonNullElse(pod.getVolumes(), List.<Volume>of()).forEach(v -> {
            volumes.add(v.getName());
            checkConfigMapVolume(where, v);
        });
        workload.claims().forEach(claim -> {
            if (claim.getMetadata() == null || blank(claim.getMetadata().getName())) {
                problems.add(where + ": every volumeClaimTemplate needs metadata.name");
            } else {
                volumes.add(claim.getMetadata().getName());
            }
        });
        Set<String> containerNames = new HashSet<>();
        for (Container container : workload.containers()) {
            String at = where + " container " + container.getName();
            if (blank(container.getName())) {
                problems.add(where + ": a container without a name");
            } else if (!containerNames.add(container.getName())) {
                problems.add(at + ": container name used twice");
            }
            if (blank(container.getImage())) {
                problems.add(at + ": image is required");
                continue;
            }
            Map<String, String> environment = checkEnvironment(at, container);
            for (VolumeMount mount : Objects.requireNonNullElse(container.getVolumeMounts(), List.<VolumeMount>of())) {
                if (!volumes.contains(mount.getName())) {
                    problems.add(at + ": volumeMount " + mount.getName() + " names no volume or volumeClaimTemplate");
                }
                if (blank(mount.getMountPath())) {
                    problems.add(at + ": volumeMount " + mount.getName() + " has no mountPath");
                }
            }
            Optional<App> app = App.forImage(container.getImage());
            if (app.isEmpty()) {
                problems.add(at + ": image " + container.getImage() + " is neither app ("
                        + App.all().stream().map(App::image).toList() + ")");
                continue;
            }
            checkAppContainer(at, container, app.get(), app.get().portWith(environment));
            checkScrapeAnnotations(where, workload.template(), app.get(), app.get().portWith(environment));
        }
    }

    /** Checks the container's env and answers the variables set to a literal value. */
    private Map<String, String> checkEnvironment(String at, Container container) {
        Map<String, String> literals = new LinkedHashMap<>();
        Set<String> defined = new HashSet<>();
        for (EnvVar variable : Objects.requireNonNullElse(container.getEnv(), List.<EnvVar>of())) {
            if (blank(variable.getName())) {
                problems.add(at + ": an env entry without a name");
                continue;
            }
            if (!defined.add(variable.getName())) {
                problems.add(at + ": env " + variable.getName() + " set twice");
            }
            if (variable.getValue() != null && Secrets.isSecretName(variable.getName())) {
                problems.add(at + ": env " + variable.getName() + " is a secret written into the manifest; "
                        + "read it from a Secret (valueFrom.secretKeyRef)");
            }
            if (variable.getValue() != null) {
                Matcher reference = VARIABLE_REFERENCE.matcher(variable.getValue());
                while (reference.find()) {
                    if (!defined.contains(reference.group(1))) {
                        problems.add(at + ": env " + variable.getName() + " refers to $(" + reference.group(1)
                                + "), which is not defined before it");
                    }
                }
                literals.put(variable.getName(), variable.getValue());
            } else if (variable.getValueFrom() != null) {
                var source = variable.getValueFrom();
                if (source.getConfigMapKeyRef() != null) {
                    String name = source.getConfigMapKeyRef().getName();
                    String key = source.getConfigMapKeyRef().getKey();
                    Optional<ConfigMap> map = manifests.find(ConfigMap.class, String.valueOf(name));
                    if (map.isEmpty()) {
                        problems.add(at + ": env " + variable.getName() + " reads ConfigMap " + name + ", which is not defined");
                    } else if (map.get().getData() == null || !map.get().getData().containsKey(key)) {
                        problems.add(at + ": env " + variable.getName() + " reads key " + key + " that ConfigMap " + name + " lacks");
                    }
                    if (Secrets.isSecretName(variable.getName())) {
                        problems.add(at + ": env " + variable.getName() + " is a secret, read from ConfigMap " + name
                                + "; read it from a Secret (valueFrom.secretKeyRef)");
                    }
                } else if (source.getSecretKeyRef() != null) {
                    String name = source.getSecretKeyRef().getName();
                    String key = source.getSecretKeyRef().getKey();
                    Optional<Secret> secret = manifests.find(Secret.class, String.valueOf(name));
                    if (secret.isEmpty()) {
                        problems.add(at + ": env " + variable.getName() + " reads Secret " + name + ", which is not defined");
                    } else if (!has(secret.get().getData(), key) && !has(secret.get().getStringData(), key)) {
                        problems.add(at + ": env " + variable.getName() + " reads key " + key + " that Secret " + name + " lacks");
                    }
                } else if (source.getFieldRef() == null && source.getResourceFieldRef() == null) {
                    problems.add(at + ": env " + variable.getName() + " has an empty valueFrom");
                }
            } else {
                literals.put(variable.getName(), "");
            }
        }
        return literals;
    }

    private void checkAppContainer(String at, Container container, App app, int serverPort) {
        List<ContainerPort> ports = Objects.requireNonNullElse(container.getPorts(), List.of());
        if (ports.stream().noneMatch(p -> Objects.equals(p.getContainerPort(), serverPort))) {
            problems.add(at + ": no containerPort " + serverPort + ", the port " + app.name() + " listens on");
        }
        ports.stream().filter(p -> p.getContainerPort() == null)
                .forEach(p -> problems.add(at + ": port " + p.getName() + " has no containerPort"));
        if (container.getLivenessProbe() == null) {
            problems.add(at + ": livenessProbe is required");
        }
        if (container.getReadinessProbe() == null) {
            problems.add(at + ": readinessProbe is required");
        }
        checkProbe(at + " startupProbe", container.getStartupProbe(), container, app, serverPort);
        checkProbe(at + " livenessProbe", container.getLivenessProbe(), container, app, serverPort);
        checkProbe(at + " readinessProbe", container.getReadinessProbe(), container, app, serverPort);
        if (container.getLifecycle() != null) {
            for (var handler : new io.fabric8.kubernetes.api.model.LifecycleHandler[] {
                    container.getLifecycle().getPreStop(), container.getLifecycle().getPostStart()}) {
                if (handler != null && handler.getHttpGet() != null) {
                    checkHttpGet(at + " lifecycle hook", handler.getHttpGet(), container, app, serverPort);
                }
            }
        }
    }

    private void checkProbe(String at, Probe probe, Container container, App app, int serverPort) {
        if (probe == null) {
            return;
        }
        if (probe.getHttpGet() == null) {
            problems.add(at + ": must be an httpGet on one of " + app.name() + "'s Actuator health paths");
            return;
        }
        checkHttpGet(at, probe.getHttpGet(), container, app, serverPort);
        if (!probe.getHttpGet().getPath().startsWith("/actuator/health")) {
            problems.add(at + ": probes go to the health endpoint, not " + probe.getHttpGet().getPath());
        }
    }

    private void checkHttpGet(String at, HTTPGetAction get, Container container, App app, int serverPort) {
        if (get.getPath() == null || !app.serves(get.getPath())) {
            problems.add(at + ": path " + get.getPath() + " is not served by " + app.name() + " (it serves "
                    + app.actuatorPaths() + ")");
        }
        if (get.getScheme() != null && !get.getScheme().equals("HTTP")) {
            problems.add(at + ": scheme " + get.getScheme() + ", but " + app.name() + " speaks plain HTTP");
        }
        Optional<Integer> port = resolve(get.getPort(), container);
        if (port.isEmpty()) {
            problems.add(at + ": port " + portText(get.getPort()) + " is not a port of the container");
        } else if (port.get() != serverPort) {
            problems.add(at + ": port " + portText(get.getPort()) + " is " + port.get() + ", but " + app.name()
                    + " listens on " + serverPort);
        }
    }

    private void checkScrapeAnnotations(String where, PodTemplateSpec template, App app, int serverPort) {
        Map<String, String> annotations = template.getMetadata() == null || template.getMetadata().getAnnotations() == null
                ? Map.of() : template.getMetadata().getAnnotations();
        if (!"true".equals(annotations.get("prometheus.io/scrape"))) {
            problems.add(where + ": the pod template lacks prometheus.io/scrape: \"true\"");
            return;
        }
        String path = annotations.getOrDefault("prometheus.io/path", "/metrics");
        if (!app.serves(path)) {
            problems.add(where + ": prometheus.io/path " + path + " is not served by " + app.name());
        }
        String port = annotations.get("prometheus.io/port");
        if (port == null || !port.equals(String.valueOf(serverPort))) {
            problems.add(where + ": prometheus.io/port " + port + ", but " + app.name() + " listens on " + serverPort);
        }
    }

    /** A Secret holds no placeholder: its values are the operator's own (a secretGenerator's file). */
    private void checkSecret(Secret secret) {
        String where = Manifests.where(secret);
        Objects.requireNonNullElse(secret.getStringData(), Map.<String, String>of()).forEach((key, value) -> {
            if (Secrets.hasPlaceholder(value)) {
                problems.add(where + ": stringData " + key + " is a placeholder known to everyone, no secret");
            }
        });
        Objects.requireNonNullElse(secret.getData(), Map.<String, String>of()).forEach((key, value) -> {
            String decoded;
            try {
                // kustomize breaks long values into lines
                decoded = new String(Base64.getMimeDecoder().decode(String.valueOf(value)), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                problems.add(where + ": data " + key + " is not base64");
                return;
            }
            if (Secrets.hasPlaceholder(decoded)) {
                problems.add(where + ": data " + key + " is a placeholder known to everyone, no secret");
            }
        });
    }

    /** A ConfigMap is readable by whoever may read the namespace's settings: no secret goes there. */
    private void checkConfigMap(ConfigMap map) {
        Objects.requireNonNullElse(map.getData(), Map.<String, String>of()).keySet().stream()
                .filter(Secrets::isSecretName)
                .forEach(key -> problems.add(Manifests.where(map) + ": " + key + " is a secret; it belongs in a Secret"));
    }

    private void checkStatefulSet(StatefulSet statefulSet) {
        String where = Manifests.where(statefulSet);
        if (statefulSet.getSpec() == null) {
            return;
        }
        String serviceName = statefulSet.getSpec().getServiceName();
        if (blank(serviceName)) {
            problems.add(where + ": spec.serviceName must name the headless Service that gives the pods their DNS names");
            return;
        }
        Optional<Service> service = manifests.find(Service.class, serviceName);
        if (service.isEmpty()) {
            problems.add(where + ": spec.serviceName " + serviceName + " names no Service");
            return;
        }
        if (service.get().getSpec() == null || !"None".equals(service.get().getSpec().getClusterIP())) {
            problems.add(where + ": Service " + serviceName + " must be headless (clusterIP: None)");
        }
        Map<String, String> labels = statefulSet.getSpec().getTemplate() == null
                || statefulSet.getSpec().getTemplate().getMetadata() == null
                ? Map.of() : statefulSet.getSpec().getTemplate().getMetadata().getLabels();
        Map<String, String> selector = service.get().getSpec() == null ? null : service.get().getSpec().getSelector();
        if (selector == null || !matches(selector, labels)) {
            problems.add(where + ": headless Service " + serviceName + " does not select its pods");
        }
        for (PersistentVolumeClaim claim : Objects.requireNonNullElse(statefulSet.getSpec().getVolumeClaimTemplates(),
                List.<PersistentVolumeClaim>of())) {
            var spec = claim.getSpec();
            if (spec == null || spec.getAccessModes() == null || spec.getAccessModes().isEmpty()
                    || spec.getResources() == null || spec.getResources().getRequests() == null
                    || !spec.getResources().getRequests().containsKey("storage")) {
                problems.add(where + ": volumeClaimTemplate needs accessModes and resources.requests.storage");
            }
        }
    }

    private void checkService(Service service, List<Workload> workloads) {
        String where = Manifests.where(service);
        if (service.getSpec() == null || service.getSpec().getSelector() == null || service.getSpec().getSelector().isEmpty()) {
            problems.add(where + ": spec.selector is required");
            return;
        }
        List<Workload> selected = workloads.stream()
                .filter(w -> matches(service.getSpec().getSelector(), w.podLabels())).toList();
        if (selected.isEmpty()) {
            problems.add(where + ": selector " + service.getSpec().getSelector() + " selects no pods of these manifests");
            return;
        }
        List<ServicePort> ports = Objects.requireNonNullElse(service.getSpec().getPorts(), List.of());
        if (ports.isEmpty()) {
            problems.add(where + ": spec.ports is required");
        }
        for (ServicePort port : ports) {
            if (port.getPort() == null) {
                problems.add(where + ": port " + port.getName() + " has no port number");
            }
            IntOrString target = port.getTargetPort() != null ? port.getTargetPort() : new IntOrString(port.getPort());
            for (Workload workload : selected) {
                boolean found = workload.containers().stream().anyMatch(c -> resolve(target, c).isPresent());
                if (!found) {
                    problems.add(where + ": targetPort " + portText(target) + " is no port of "
                            + Manifests.where(workload.owner()) + "'s containers");
                }
            }
        }
    }

    private void checkDisruptionBudget(PodDisruptionBudget budget, List<Workload> workloads) {
        String where = Manifests.where(budget);
        if (budget.getSpec() == null || budget.getSpec().getSelector() == null
                || budget.getSpec().getSelector().getMatchLabels() == null) {
            problems.add(where + ": spec.selector.matchLabels is required");
            return;
        }
        if (budget.getSpec().getMaxUnavailable() == null && budget.getSpec().getMinAvailable() == null) {
            problems.add(where + ": set maxUnavailable or minAvailable");
        }
        if (workloads.stream().noneMatch(w -> matches(budget.getSpec().getSelector().getMatchLabels(), w.podLabels()))) {
            problems.add(where + ": selector selects no pods of these manifests");
        }
    }

    private void checkConfigMapVolume(String where, Volume volume) {
        if (volume.getConfigMap() == null) {
            return;
        }
        String name = volume.getConfigMap().getName();
        Optional<ConfigMap> map = manifests.find(ConfigMap.class, String.valueOf(name));
        if (map.isEmpty()) {
            problems.add(where + ": volume " + volume.getName() + " mounts ConfigMap " + name + ", which is not defined");
            return;
        }
        Objects.requireNonNullElse(volume.getConfigMap().getItems(), List.<KeyToPath>of())
                .stream().filter(item -> !has(map.get().getData(), item.getKey()))
                .forEach(item -> problems.add(where + ": volume " + volume.getName() + " mounts key " + item.getKey()
                        + " that ConfigMap " + name + " lacks"));
    }

    /** Least privilege: every rule names what it grants, no wildcard. */
    private void checkRole(Role role) {
        String where = Manifests.where(role);
        List<PolicyRule> rules = Objects.requireNonNullElse(role.getRules(), List.of());
        if (rules.isEmpty()) {
            problems.add(where + ": grants nothing (no rules)");
        }
        for (PolicyRule rule : rules) {
            for (List<String> list : List.of(Objects.requireNonNullElse(rule.getApiGroups(), List.<String>of()),
                    Objects.requireNonNullElse(rule.getResources(), List.<String>of()),
                    Objects.requireNonNullElse(rule.getVerbs(), List.<String>of()),
                    Objects.requireNonNullElse(rule.getResourceNames(), List.<String>of()))) {
                if (list.stream().anyMatch(value -> value.contains("*"))) {
                    problems.add(where + ": a rule grants a wildcard " + list);
                }
            }
            if (rule.getVerbs() == null || rule.getVerbs().isEmpty()
                    || rule.getResources() == null || rule.getResources().isEmpty()) {
                problems.add(where + ": every rule needs verbs and resources");
            }
        }
    }

    private void checkRoleBinding(RoleBinding binding) {
        String where = Manifests.where(binding);
        var reference = binding.getRoleRef();
        if (reference == null || !"Role".equals(reference.getKind())
                || manifests.find(Role.class, String.valueOf(reference.getName())).isEmpty()) {
            problems.add(where + ": roleRef " + (reference == null ? "(none)" : reference.getKind() + " "
                    + reference.getName()) + " names no Role of these manifests");
        }
        List<Subject> subjects = Objects.requireNonNullElse(binding.getSubjects(), List.of());
        if (subjects.isEmpty()) {
            problems.add(where + ": binds no subject");
        }
        for (Subject subject : subjects) {
            if (!"ServiceAccount".equals(subject.getKind())
                    || manifests.find(ServiceAccount.class, String.valueOf(subject.getName())).isEmpty()) {
                problems.add(where + ": subject " + subject.getKind() + " " + subject.getName()
                        + " is no ServiceAccount of these manifests");
            } else if (!blank(subject.getNamespace())
                    && !subject.getNamespace().equals(binding.getMetadata().getNamespace())) {
                problems.add(where + ": subject ServiceAccount " + subject.getName() + " in namespace "
                        + subject.getNamespace() + ", not the binding's own");
            }
        }
    }

    /** The container port a probe or Service port refers to, by number or by name. */
    static Optional<Integer> resolve(IntOrString port, Container container) {
        if (port == null) {
            return Optional.empty();
        }
        List<ContainerPort> ports = Objects.requireNonNullElse(container.getPorts(), List.of());
        if (port.getIntVal() != null) {
            return ports.stream().map(ContainerPort::getContainerPort).filter(port.getIntVal()::equals).findFirst();
        }
        return ports.stream().filter(p -> Objects.equals(p.getName(), port.getStrVal()))
                .map(ContainerPort::getContainerPort).filter(Objects::nonNull).findFirst();
    }

    private static String portText(IntOrString port) {
        return port == null ? "(none)" : String.valueOf(port.getIntVal() != null ? port.getIntVal() : port.getStrVal());
    }

    private static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        return labels != null && selector.entrySet().stream()
                .allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
    }

    private static boolean has(Map<String, String> map, String key) {
        return map != null && map.containsKey(key);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
