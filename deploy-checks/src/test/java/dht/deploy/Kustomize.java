package dht.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization the way {@code kubectl apply -k} would see it: with {@code kubectl
 * kustomize} when a kubectl is on the PATH (it works offline), otherwise with a small stand-in that
 * knows only what {@code deploy/k8s} uses (namespace, resources, and secret and ConfigMap generators of files
 * with an unhashed name) and refuses anything else, so that it never quietly renders something
 * different.
 */
final class Kustomize {

    /** Kinds that live outside any namespace, which the namespace setting leaves alone. */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "PersistentVolume", "StorageClass",
            "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PriorityClass",
            "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "IngressClass");

    private static final Set<String> FALLBACK_KEYS = Set.of("apiVersion", "kind", "namespace", "resources",
            "secretGenerator", "configMapGenerator");
    private static final Set<String> GENERATOR_KEYS = Set.of("name", "files", "type", "options");
    private static final Set<String> GENERATOR_OPTION_KEYS = Set.of("disableNameSuffixHash", "labels", "annotations");
    /** kustomize breaks a generated value's base64 into lines of this many characters. */
    private static final int BASE64_LINE = 70;

    private Kustomize() {
    }

    /** Thrown when a kustomization cannot be rendered: a misspelled field, a missing file. */
    static final class RenderException extends RuntimeException {
        RenderException(String message) {
            super(message);
        }
    }

    /**
     * kubectl's rendering where there is a kubectl, the stand-in's otherwise (or always, with
     * {@code -Ddht.kustomize=stand-in}).
     */
    static String render(Path directory) {
        boolean standIn = "stand-in".equals(System.getProperty("dht.kustomize"));
        return !standIn && kubectlAvailable() ? withKubectl(directory) : withoutKubectl(directory);
    }

    static boolean kubectlAvailable() {
        try {
            Process process = new ProcessBuilder("kubectl", "version", "--client")
                    .redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String withKubectl(Path directory) {
        try {
            Path errors = Files.createTempFile("kustomize", ".err");
            try {
                Process process = new ProcessBuilder("kubectl", "kustomize", directory.toString())
                        .redirectError(errors.toFile()).start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new RenderException("kubectl kustomize " + directory + " did not finish within 60 s");
                }
                if (process.exitValue() != 0) {
                    throw new RenderException("kubectl kustomize " + directory + " failed: "
                            + Files.readString(errors).strip());
                }
                return output;
            } finally {
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RenderException("interrupted while rendering " + directory);
        }
    }

    @SuppressWarnings("unchecked")
    static String withoutKubectl(Path directory) {
        Path file = directory.resolve("kustomization.yaml");
        if (!Files.isRegularFile(file)) {
            throw new RenderException("no kustomization.yaml in " + directory);
        }
        Map<String, Object> kustomization = Yaml.load(Checkout.read(file), file.toString());
        for (String key : kustomization.keySet()) {
            if (!FALLBACK_KEYS.contains(key)) {
                throw new RenderException(file + ": field '" + key + "' is not one this stand-in renders "
                        + FALLBACK_KEYS + " (a misspelling, or install kubectl for the real kustomize)");
            }
        }
        if (!"Kustomization".equals(kustomization.get("kind"))
                || !"kustomize.config.k8s.io/v1beta1".equals(kustomization.get("apiVersion"))) {
            throw new RenderException(file + " is not a kustomize.config.k8s.io/v1beta1 Kustomization");
        }
        Object namespace = kustomization.get("namespace");
        if (!(kustomization.get("resources") instanceof List<?> resources)) {
            throw new RenderException(file + " lists no resources");
        }
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object resource : resources) {
            Path path = directory.resolve(String.valueOf(resource));
            if (!Files.isRegularFile(path)) {
                throw new RenderException(file + ": resource " + resource + " is not a file here");
            }
            for (Object document : Yaml.loadAll(Checkout.read(path))) {
                if (!(document instanceof Map<?, ?> map)) {
                    throw new RenderException(path + " holds a document that is not a mapping");
                }
                Map<String, Object> object = new LinkedHashMap<>((Map<String, Object>) map);
                if (namespace != null && !CLUSTER_SCOPED.contains(String.valueOf(object.get("kind")))
                        && object.get("metadata") instanceof Map<?, ?> metadata) {
                    Map<String, Object> withNamespace = new LinkedHashMap<>((Map<String, Object>) metadata);
                    withNamespace.put("namespace", namespace);
                    object.put("metadata", withNamespace);
                }
                objects.add(object);
            }
        }
        if (namespace != null) {
            placeBoundServiceAccounts(objects, namespace);
        }
        List<String> rendered = new ArrayList<>(objects.stream().map(Yaml::dump).toList());
        for (Generator kind : Generator.values()) {
            if (!kustomization.containsKey(kind.field)) {
                continue;
            }
            if (!(kustomization.get(kind.field) instanceof List<?> generators)) {
                throw new RenderException(file + ": " + kind.field + " is not a list");
            }
            for (Object generator : generators) {
                rendered.add(Yaml.dump(generated(kind, directory, file, generator, namespace)));
            }
        }
        return String.join("---\n", rendered);
    }

    /**
     * kustomize moves the binding of a ServiceAccount it renders along with the account: a
     * RoleBinding's subject naming one of them gets the kustomization's namespace.
     */
    @SuppressWarnings("unchecked")
    private static void placeBoundServiceAccounts(List<Map<String, Object>> objects, Object namespace) {
        Set<Object> accounts = new HashSet<>();
        objects.stream().filter(o -> "ServiceAccount".equals(o.get("kind")))
                .forEach(o -> Yaml.at(o, "metadata.name").ifPresent(accounts::add));
        for (Map<String, Object> object : objects) {
            if (!"RoleBinding".equals(object.get("kind")) || !(object.get("subjects") instanceof List<?> subjects)) {
                continue;
            }
            List<Object> placed = new ArrayList<>();
            for (Object subject : subjects) {
                if (subject instanceof Map<?, ?> map && "ServiceAccount".equals(map.get("kind"))
                        && accounts.contains(map.get("name"))) {
                    Map<String, Object> withNamespace = new LinkedHashMap<>((Map<String, Object>) map);
                    withNamespace.put("namespace", namespace);
                    placed.add(withNamespace);
                } else {
                    placed.add(subject);
                }
            }
            object.put("subjects", placed);
        }
    }

    /** The generators the stand-in renders: what they make, and how a file's bytes become a value. */
    private enum Generator {
        SECRET("secretGenerator", "Secret"),
        CONFIG_MAP("configMapGenerator", "ConfigMap");

        final String field;
        final String kind;

        Generator(String field, String kind) {
            this.field = field;
            this.kind = kind;
        }

        /** A Secret holds base64, a ConfigMap the text itself (kustomize's binaryData is not rendered). */
        String value(Path file, Path kustomization) {
            if (this == SECRET) {
                return base64(file);
            }
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new RenderException(kustomization + ": " + file + " is not UTF-8 text; kustomize would put it "
                        + "into binaryData, which this stand-in does not render");
            }
        }
    }

    /** The Secret or ConfigMap of a generator entry that reads files, as kustomize generates it. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> generated(Generator kind, Path directory, Path file, Object entry,
                                                 Object namespace) {
        String field = kind.field;
        if (!(entry instanceof Map<?, ?> generator)) {
            throw new RenderException(file + ": a " + field + " entry is not a mapping");
        }
        for (Object key : generator.keySet()) {
            if (!GENERATOR_KEYS.contains(String.valueOf(key))) {
                throw new RenderException(file + ": " + field + " field '" + key + "' is not one this stand-in renders "
                        + GENERATOR_KEYS + " (a misspelling, or install kubectl for the real kustomize)");
            }
        }
        if (!(generator.get("name") instanceof String name) || name.isBlank()) {
            throw new RenderException(file + ": a " + field + " entry has no name");
        }
        Map<String, Object> options = generator.get("options") instanceof Map<?, ?> map
                ? (Map<String, Object>) map : Map.of();
        for (String key : options.keySet()) {
            if (!GENERATOR_OPTION_KEYS.contains(key)) {
                throw new RenderException(file + ": " + field + " " + name + " option '" + key
                        + "' is not one this stand-in renders " + GENERATOR_OPTION_KEYS);
            }
        }
        if (!Boolean.TRUE.equals(options.get("disableNameSuffixHash"))) {
            throw new RenderException(file + ": " + field + " " + name + " needs options.disableNameSuffixHash: true "
                    + "for this stand-in, which does not compute kustomize's name hash (or install kubectl)");
        }
        if (!(generator.get("files") instanceof List<?> files) || files.isEmpty()) {
            throw new RenderException(file + ": " + field + " " + name + " lists no files (the only source this "
                    + "stand-in renders)");
        }
        Map<String, Object> data = new LinkedHashMap<>();
        for (Object source : files) {
            String text = String.valueOf(source);
            int equals = text.indexOf('=');
            String relative = equals < 0 ? text : text.substring(equals + 1);
            Path path = directory.resolve(relative).normalize();
            String key = equals < 0 ? path.getFileName().toString() : text.substring(0, equals);
            if (!path.startsWith(directory.normalize())) {
                throw new RenderException(file + ": " + field + " " + name + " reads " + relative
                        + ", which is outside the kustomization's folder");
            }
            if (!Files.isRegularFile(path)) {
                throw new RenderException(file + ": " + field + " " + name + ": file sources: [" + text + "]: "
                        + path + ": no such file");
            }
            if (data.put(key, kind.value(path, file)) != null) {
                throw new RenderException(file + ": " + field + " " + name + " sets key " + key + " twice");
            }
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (namespace != null) {
            metadata.put("namespace", namespace);
        }
        if (options.get("labels") instanceof Map<?, ?> labels) {
            metadata.put("labels", labels);
        }
        if (options.get("annotations") instanceof Map<?, ?> annotations) {
            metadata.put("annotations", annotations);
        }
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", "v1");
        object.put("kind", kind.kind);
        object.put("metadata", metadata);
        if (kind == Generator.SECRET) {
            object.put("type", generator.containsKey("type") ? String.valueOf(generator.get("type")) : "Opaque");
        } else if (generator.containsKey("type")) {
            throw new RenderException(file + ": " + field + " " + name + " has a type, which only a Secret has");
        }
        object.put("data", data);
        return object;
    }

    /** A file's bytes in base64, broken into lines as kustomize does once it is longer than one. */
    private static String base64(Path file) {
        String encoded;
        try {
            encoded = Base64.getEncoder().encodeToString(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (encoded.length() < BASE64_LINE) {
            return encoded;
        }
        StringBuilder lines = new StringBuilder();
        for (int start = 0; start < encoded.length(); start += BASE64_LINE) {
            lines.append(encoded, start, Math.min(encoded.length(), start + BASE64_LINE)).append('\n');
        }
        return lines.toString();
    }
}
