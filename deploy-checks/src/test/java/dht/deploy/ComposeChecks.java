package dht.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates a compose file offline, strictly: only the keys of the Compose Specification (its
 * JSON schema's {@code additionalProperties: false} places: the top level, a service, its build,
 * healthcheck and depends_on entries), every service built or pulled, every dependency naming a
 * service and a known condition, a healthcheck wherever another service waits for health, named
 * volumes declared, Dockerfiles present, every {@code $} a valid interpolation; no secret written
 * into the file: a secret setting is a required variable ({@code ${VAR:?message}}), with no default
 * and no placeholder; and, for the DHT's own services, healthchecks on a path and port the app
 * serves and nodes that advertise the address the others reach them at.
 */
final class ComposeChecks {

    static final Set<String> TOP_LEVEL_KEYS = Set.of("version", "name", "include", "services", "models", "networks",
            "volumes", "secrets", "configs");
    static final Set<String> SERVICE_KEYS = Set.of("annotations", "attach", "blkio_config", "build", "cap_add",
            "cap_drop", "cgroup", "cgroup_parent", "command", "configs", "container_name", "cpu_count", "cpu_percent",
            "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpu_shares", "cpus", "cpuset",
            "credential_spec", "depends_on", "deploy", "develop", "device_cgroup_rules", "devices", "dns", "dns_opt",
            "dns_search", "domainname", "entrypoint", "env_file", "environment", "expose", "extends", "external_links",
            "extra_hosts", "gpus", "group_add", "healthcheck", "hostname", "image", "init", "ipc", "isolation", "labels",
            "label_file", "links", "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness",
            "memswap_limit", "models", "network_mode", "networks", "oom_kill_disable", "oom_score_adj", "pid",
            "pids_limit", "platform", "ports", "post_start", "pre_stop", "privileged", "profiles", "provider",
            "pull_policy", "read_only", "restart", "runtime", "scale", "secrets", "security_opt", "shm_size",
            "stdin_open", "stop_grace_period", "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty", "ulimits",
            "use_api_socket", "user", "userns_mode", "uts", "volumes", "volumes_from", "working_dir");
    static final Set<String> BUILD_KEYS = Set.of("context", "dockerfile", "dockerfile_inline", "entitlements", "args",
            "ssh", "labels", "cache_from", "cache_to", "no_cache", "additional_contexts", "network", "pull", "target",
            "shm_size", "extra_hosts", "isolation", "privileged", "secrets", "tags", "ulimits", "platforms");
    static final Set<String> HEALTHCHECK_KEYS = Set.of("disable", "interval", "retries", "test", "timeout",
            "start_period", "start_interval");
    static final Set<String> DEPENDENCY_KEYS = Set.of("condition", "restart", "required");
    static final Set<String> CONDITIONS = Set.of("service_started", "service_healthy", "service_completed_successfully");
    static final Set<String> RESTART_POLICIES = Set.of("no", "always", "on-failure", "unless-stopped");

    private static final Pattern URL = Pattern.compile("https?://([^:/\\s]+):(\\d+)(/[^\\s\"]*)?");
    private static final Pattern DURATION = Pattern.compile("(\\d+(\\.\\d+)?(ns|us|ms|s|m|h))+");
    /** A variable compose must be given: {@code ${NAME:?message}}, unset or empty stops it. */
    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*:\\?[^}]+}");

    private final Path baseDirectory;
    private final List<String> problems = new ArrayList<>();

    private ComposeChecks(Path baseDirectory) {
        this.baseDirectory = baseDirectory;
    }

    static List<String> validate(Path composeFile) {
        return validate(Checkout.read(composeFile), composeFile.toAbsolutePath().getParent());
    }

    /** Every problem of a compose file's text, relative paths resolved against {@code baseDirectory}. */
    static List<String> validate(String text, Path baseDirectory) {
        ComposeChecks checks = new ComposeChecks(baseDirectory);
        try {
            checks.check(Yaml.load(text, "compose file"));
        } catch (RuntimeException e) {
            checks.problems.add("not a valid compose YAML document: " + e.getMessage());
        }
        return List.copyOf(checks.problems);
    }

    private void check(Map<String, Object> compose) {
        unknownKeys("top level", compose, TOP_LEVEL_KEYS);
        checkValues("", compose);
        if (!(compose.get("services") instanceof Map<?, ?> services) || services.isEmpty()) {
            problems.add("services: at least one service is required");
            return;
        }
        Set<String> declaredVolumes = compose.get("volumes") instanceof Map<?, ?> volumes
                ? keys(volumes) : Set.of();
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        services.forEach((name, service) -> {
            if (service instanceof Map<?, ?> map) {
                byName.put(String.valueOf(name), cast(map));
            } else {
                problems.add("service " + name + " is not a mapping");
            }
        });
        Map<String, List<String>> dependencies = new HashMap<>();
        byName.forEach((name, service) -> dependencies.put(name, checkService(name, service, byName, declaredVolumes)));
        checkNoCycle(dependencies);
    }

    private List<String> checkService(String name, Map<String, Object> service,
                                      Map<String, Map<String, Object>> services, Set<String> declaredVolumes) {
        String at = "service " + name;
        unknownKeys(at, service, SERVICE_KEYS);
        if (!service.containsKey("build") && !service.containsKey("image")) {
            problems.add(at + ": needs build or image");
        }
        checkBuild(at, service.get("build"));
        Object restart = service.get("restart");
        if (restart != null && !RESTART_POLICIES.contains(String.valueOf(restart).split(":")[0])) {
            problems.add(at + ": restart " + restart + " is not one of " + RESTART_POLICIES);
        }
        Object grace = service.get("stop_grace_period");
        if (grace != null && !DURATION.matcher(String.valueOf(grace)).matches()) {
            problems.add(at + ": stop_grace_period " + grace + " is not a duration");
        }
        Optional<List<String>> healthTest = checkHealthcheck(at, service.get("healthcheck"));
        Map<String, String> environment = environment(at, service.get("environment"));
        environment.forEach((variable, value) -> {
            if (Secrets.isSecretName(variable) && !REQUIRED_VARIABLE.matcher(value).matches()) {
                problems.add(at + ": environment " + variable + " is a secret: it must be a required variable, "
                        + "${NAME:?message}, with no literal value and no default (it is " + value + ")");
            }
        });
        checkVolumes(at, service.get("volumes"), declaredVolumes);
        List<String> dependsOn = checkDependencies(at, service.get("depends_on"), services);
        Optional<App> app = App.forImage(String.valueOf(service.get("image")));
        if (app.isPresent()) {
            checkApp(at, name, app.get(), app.get().portWith(environment), healthTest, environment, services);
        } else if (service.get("build") instanceof Map<?, ?> build) {
            problems.add(at + ": builds " + build.get("dockerfile") + " but its image names neither app");
        }
        return dependsOn;
    }

    private void checkBuild(String at, Object build) {
        if (build == null) {
            return;
        }
        Path context;
        Object dockerfile = "Dockerfile";
        if (build instanceof String path) {
            context = baseDirectory.resolve(path);
        } else if (build instanceof Map<?, ?> map) {
            unknownKeys(at + " build", cast(map), BUILD_KEYS);
            context = baseDirectory.resolve(String.valueOf(map.containsKey("context") ? map.get("context") : "."));
            if (map.containsKey("dockerfile")) {
                dockerfile = map.get("dockerfile");
            }
        } else {
            problems.add(at + ": build is neither a path nor a mapping");
            return;
        }
        if (!Files.isDirectory(context)) {
            problems.add(at + ": build context " + context.normalize() + " is not a folder");
        } else if (!Files.isRegularFile(context.resolve(String.valueOf(dockerfile)))) {
            problems.add(at + ": Dockerfile " + dockerfile + " is not in the build context " + context.normalize());
        }
    }

    /** The healthcheck's test as a command line, when there is one. */
    private Optional<List<String>> checkHealthcheck(String at, Object healthcheck) {
        if (healthcheck == null) {
            return Optional.empty();
        }
        if (!(healthcheck instanceof Map<?, ?> map)) {
            problems.add(at + ": healthcheck is not a mapping");
            return Optional.empty();
        }
        unknownKeys(at + " healthcheck", cast(map), HEALTHCHECK_KEYS);
        for (String duration : List.of("interval", "timeout", "start_period", "start_interval")) {
            if (map.containsKey(duration) && !DURATION.matcher(String.valueOf(map.get(duration))).matches()) {
                problems.add(at + ": healthcheck " + duration + " " + map.get(duration) + " is not a duration");
            }
        }
        Object test = map.get("test");
        if (Boolean.TRUE.equals(map.get("disable"))) {
            return Optional.empty();
        }
        if (test instanceof String command && !command.isBlank()) {
            return Optional.of(List.of("CMD-SHELL", command));
        }
        if (test instanceof List<?> list && !list.isEmpty()
                && Set.of("CMD", "CMD-SHELL", "NONE").contains(String.valueOf(list.getFirst()))) {
            return Optional.of(list.stream().map(String::valueOf).toList());
        }
        problems.add(at + ": healthcheck test must be a command: a string, or a list that starts with CMD or CMD-SHELL");
        return Optional.empty();
    }

    private Map<String, String> environment(String at, Object environment) {
        Map<String, String> variables = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> map) {
            map.forEach((key, value) -> variables.put(String.valueOf(key), value == null ? "" : String.valueOf(value)));
        } else if (environment instanceof List<?> list) {
            for (Object entry : list) {
                String[] pair = String.valueOf(entry).split("=", 2);
                variables.put(pair[0], pair.length > 1 ? pair[1] : "");
            }
        } else if (environment != null) {
            problems.add(at + ": environment is neither a mapping nor a list");
        }
        return variables;
    }

    private void checkVolumes(String at, Object volumes, Set<String> declared) {
        if (volumes == null) {
            return;
        }
        if (!(volumes instanceof List<?> list)) {
            problems.add(at + ": volumes is not a list");
            return;
        }
        for (Object volume : list) {
            String source = volume instanceof Map<?, ?> map ? String.valueOf(map.get("source")) : String.valueOf(volume).split(":")[0];
            boolean named = !source.startsWith(".") && !source.startsWith("/") && !source.startsWith("~")
                    && String.valueOf(volume).contains(":");
            if (named && !declared.contains(source)) {
                problems.add(at + ": volume " + source + " is not declared under the top-level volumes");
            }
        }
    }

    private List<String> checkDependencies(String at, Object dependsOn, Map<String, Map<String, Object>> services) {
        List<String> targets = new ArrayList<>();
        if (dependsOn == null) {
            return targets;
        }
        if (dependsOn instanceof List<?> list) {
            list.forEach(target -> targets.add(String.valueOf(target)));
        } else if (dependsOn instanceof Map<?, ?> map) {
            map.forEach((target, condition) -> {
                targets.add(String.valueOf(target));
                if (!(condition instanceof Map<?, ?> settings)) {
                    problems.add(at + ": depends_on " + target + " needs a condition");
                    return;
                }
                unknownKeys(at + " depends_on " + target, cast(settings), DEPENDENCY_KEYS);
                Object value = settings.get("condition");
                if (!CONDITIONS.contains(String.valueOf(value))) {
                    problems.add(at + ": depends_on " + target + " condition " + value + " is not one of " + CONDITIONS);
                } else if (value.equals("service_healthy") && services.containsKey(String.valueOf(target))
                        && !services.get(String.valueOf(target)).containsKey("healthcheck")) {
                    problems.add(at + ": waits for " + target + " to be healthy, but " + target + " has no healthcheck");
                }
            });
        } else {
            problems.add(at + ": depends_on is neither a list nor a mapping");
        }
        for (String target : targets) {
            if (!services.containsKey(target)) {
                problems.add(at + ": depends_on " + target + ", which is no service");
            }
        }
        return targets;
    }

    private void checkApp(String at, String name, App app, int port, Optional<List<String>> healthTest,
                          Map<String, String> environment, Map<String, Map<String, Object>> services) {
        if (healthTest.isEmpty()) {
            problems.add(at + ": needs a healthcheck, which the nodes' depends_on wait for");
        } else {
            Matcher url = URL.matcher(String.join(" ", healthTest.get()));
            if (!url.find()) {
                problems.add(at + ": healthcheck calls no http://localhost:PORT/PATH");
            } else {
                if (!app.serves(String.valueOf(url.group(3)))) {
                    problems.add(at + ": healthcheck path " + url.group(3) + " is not served by " + app.name()
                            + " (it serves " + app.actuatorPaths() + ")");
                }
                if (Integer.parseInt(url.group(2)) != port) {
                    problems.add(at + ": healthcheck port " + url.group(2) + ", but " + app.name() + " listens on " + port);
                }
            }
        }
        if (app == App.NODE) {
            String advertised = environment.get("DHT_ADVERTISED_ADDRESS");
            if (!(name + ":" + port).equals(advertised)) {
                problems.add(at + ": DHT_ADVERTISED_ADDRESS " + advertised + ", but the other containers reach it at "
                        + name + ":" + port);
            }
            String registry = environment.get("DHT_REGISTRY_URL");
            Matcher url = URL.matcher(String.valueOf(registry));
            if (!url.find()) {
                problems.add(at + ": DHT_REGISTRY_URL " + registry + " is not an http URL");
            } else if (!services.containsKey(url.group(1))
                    || App.forImage(String.valueOf(services.get(url.group(1)).get("image"))).orElse(null) != App.REGISTRY) {
                problems.add(at + ": DHT_REGISTRY_URL " + registry + " names no registry service");
            } else if (Integer.parseInt(url.group(2)) != App.REGISTRY.portWith(
                    environment(at, services.get(url.group(1)).get("environment")))) {
                problems.add(at + ": DHT_REGISTRY_URL " + registry + " is not the port the registry listens on");
            }
        }
    }

    /** Every string in the file: valid interpolations only, and no placeholder secret. */
    private void checkValues(String at, Object value) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, element) -> checkValues(at.isEmpty() ? String.valueOf(key) : at + "." + key, element));
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                checkValues(at + "[" + i + "]", list.get(i));
            }
        } else if (value instanceof String text) {
            if (!validInterpolations(text)) {
                problems.add(at + ": a $ that starts no variable (write $$ for a literal $): " + text);
            }
            if (Secrets.hasPlaceholder(text)) {
                problems.add(at + ": a placeholder known to everyone, no secret: " + text);
            }
        }
    }

    /**
     * Whether each {@code $} of a value is followed by another (the pair a literal {@code $}), a
     * name or a brace. Anything else, such as {@code $(}, older compose versions refuse as an
     * invalid interpolation.
     */
    static boolean validInterpolations(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) != '$') {
                continue;
            }
            char next = i + 1 < text.length() ? text.charAt(i + 1) : ' ';
            if (next == '$') {
                i++;
            } else if (next != '{' && next != '_' && !(next >= 'A' && next <= 'Z') && !(next >= 'a' && next <= 'z')) {
                return false;
            }
        }
        return true;
    }

    private void checkNoCycle(Map<String, List<String>> dependencies) {
        Set<String> done = new HashSet<>();
        for (String service : dependencies.keySet()) {
            visit(service, dependencies, new HashSet<>(), done);
        }
    }

    private void visit(String service, Map<String, List<String>> dependencies, Set<String> path, Set<String> done) {
        if (done.contains(service)) {
            return;
        }
        if (!path.add(service)) {
            problems.add("depends_on forms a cycle through " + service);
            return;
        }
        dependencies.getOrDefault(service, List.of()).forEach(next -> visit(next, dependencies, path, done));
        path.remove(service);
        done.add(service);
    }

    private void unknownKeys(String at, Map<String, Object> map, Set<String> allowed) {
        for (String key : map.keySet()) {
            if (!allowed.contains(key) && !key.startsWith("x-")) {
                problems.add(at + ": unknown key " + key);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private static Set<String> keys(Map<?, ?> map) {
        Set<String> keys = new HashSet<>();
        map.keySet().forEach(key -> keys.add(String.valueOf(key)));
        return keys;
    }
}
