package dht.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What can be checked of a Dockerfile without a Docker engine: only known instructions, the JRE
 * base, the jar it copies is the one the build makes, Spring Boot's four layers copied in order,
 * a non-root user, the heap sized from the container's memory, the port and the HEALTHCHECK path
 * the app serves, and an exec-form ENTRYPOINT (so that java, as PID 1, gets the SIGTERM).
 */
final class DockerfileChecks {

    static final Set<String> INSTRUCTIONS = Set.of("FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY",
            "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL");
    static final List<String> LAYERS = List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");

    record Instruction(String keyword, String arguments) {
    }

    private DockerfileChecks() {
    }

    /** The instructions, continuation lines joined, comments and parser directives left out. */
    static List<Instruction> parse(String text) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String joined = current.toString().strip();
            current.setLength(0);
            if (joined.isEmpty()) {
                continue;
            }
            String[] parts = joined.split("\\s+", 2);
            instructions.add(new Instruction(parts[0].toUpperCase(Locale.ROOT), parts.length > 1 ? parts[1] : ""));
        }
        return instructions;
    }

    static List<String> validate(String text, App app, String jarPath, Path root) {
        List<String> problems = new ArrayList<>();
        List<Instruction> instructions = parse(text);
        for (Instruction instruction : instructions) {
            if (!INSTRUCTIONS.contains(instruction.keyword())) {
                problems.add("unknown instruction " + instruction.keyword());
            }
        }
        List<Instruction> froms = all(instructions, "FROM");
        if (froms.isEmpty()) {
            problems.add("no FROM");
            return problems;
        }
        for (Instruction from : froms) {
            if (!from.arguments().startsWith("eclipse-temurin:21-")) {
                problems.add("FROM " + from.arguments() + " is not an eclipse-temurin 21 image");
            }
        }
        if (!froms.getLast().arguments().split("\\s+")[0].equals("eclipse-temurin:21-jre")) {
            problems.add("the image runs on " + froms.getLast().arguments() + ", not the eclipse-temurin:21-jre JRE");
        }
        Matcher jar = Pattern.compile("ARG JAR_FILE=(\\S+)").matcher(joined(instructions));
        if (!jar.find()) {
            problems.add("no ARG JAR_FILE=... naming the jar the build makes");
        } else if (!jar.group(1).equals(jarPath)) {
            problems.add("ARG JAR_FILE=" + jar.group(1) + ", but the build makes " + jarPath);
        }
        if (!joined(instructions).contains("-Djarmode=tools -jar application.jar extract --layers")) {
            problems.add("does not extract Spring Boot's layers (java -Djarmode=tools -jar application.jar extract --layers)");
        }
        List<String> copiedLayers = new ArrayList<>();
        Pattern layerCopy = Pattern.compile("--from=\\S+ \\S*/extracted/([a-z-]+)/ \\./$");
        for (Instruction copy : all(instructions, "COPY")) {
            Matcher layer = layerCopy.matcher(copy.arguments());
            if (layer.find()) {
                copiedLayers.add(layer.group(1));
            }
        }
        if (!copiedLayers.equals(LAYERS)) {
            problems.add("copies the layers " + copiedLayers + ", not " + LAYERS + " in that order");
        }
        List<Instruction> users = all(instructions, "USER");
        if (users.isEmpty() || Set.of("root", "0", "0:0", "root:root").contains(users.getLast().arguments())) {
            problems.add("runs as root: the last USER must be another user");
        }
        String env = all(instructions, "ENV").stream().map(Instruction::arguments).reduce("", String::concat);
        if (!env.contains("-XX:MaxRAMPercentage=")) {
            problems.add("the heap is not sized from the container's memory (-XX:MaxRAMPercentage in JAVA_TOOL_OPTIONS)");
        }
        Matcher serverPort = Pattern.compile("SERVER_PORT=(\\d+)").matcher(env);
        int port = serverPort.find() ? Integer.parseInt(serverPort.group(1)) : app.serverPort();
        if (port != app.serverPort()) {
            problems.add("SERVER_PORT=" + port + ", while " + app.name() + " is configured for " + app.serverPort());
        }
        if (all(instructions, "EXPOSE").stream().noneMatch(e -> e.arguments().equals(String.valueOf(port)))) {
            problems.add("does not EXPOSE " + port);
        }
        List<Instruction> healthchecks = all(instructions, "HEALTHCHECK");
        if (healthchecks.size() != 1) {
            problems.add("needs one HEALTHCHECK");
        } else {
            Matcher url = Pattern.compile("(curl|wget) .*http://localhost:(\\$\\{SERVER_PORT}|\\d+)(/\\S*?)\"?(\\s|$)")
                    .matcher(healthchecks.getFirst().arguments());
            if (!healthchecks.getFirst().arguments().contains("CMD ") || !url.find()) {
                problems.add("HEALTHCHECK does not CMD curl or wget http://localhost:PORT/PATH");
            } else {
                String checkedPort = url.group(2);
                if (!checkedPort.equals("${SERVER_PORT}") && Integer.parseInt(checkedPort) != port) {
                    problems.add("HEALTHCHECK calls port " + checkedPort + ", but the app listens on " + port);
                }
                if (!app.serves(url.group(3))) {
                    problems.add("HEALTHCHECK path " + url.group(3) + " is not served by " + app.name());
                }
            }
        }
        List<Instruction> entrypoints = all(instructions, "ENTRYPOINT");
        if (entrypoints.isEmpty() || !entrypoints.getLast().arguments().matches("\\[\\s*\"java\",.*\"application\\.jar\"\\s*]")) {
            problems.add("ENTRYPOINT must be the exec form [\"java\", ..., \"application.jar\"] so that java gets the SIGTERM");
        }
        if (!Files.isDirectory(root.resolve(jarPath.substring(0, jarPath.indexOf('/'))))) {
            problems.add("no module folder for " + jarPath);
        }
        return problems;
    }

    private static List<Instruction> all(List<Instruction> instructions, String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    private static String joined(List<Instruction> instructions) {
        return String.join("\n", instructions.stream().map(i -> i.keyword() + " " + i.arguments()).toList());
    }
}
