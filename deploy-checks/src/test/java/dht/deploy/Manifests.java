package dht.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rendered manifests read into fabric8's typed Kubernetes models, document by document, with
 * everything that did not fit the API's types reported as a problem: a document without
 * {@code apiVersion} or {@code kind}, a kind the API does not know, a value of the wrong type, and
 * any field the API does not define.
 *
 * @param objects  what was read
 * @param problems what was wrong, one line each, naming the object and the field
 */
record Manifests(List<HasMetadata> objects, List<String> problems) {

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static Manifests read(String rendered) {
        List<HasMetadata> objects = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<Object> documents;
        try {
            documents = Yaml.loadAll(rendered);
        } catch (RuntimeException e) {
            return new Manifests(objects, List.of("not valid YAML: " + e.getMessage()));
        }
        int index = 0;
        for (Object document : documents) {
            index++;
            if (!(document instanceof Map<?, ?> map)) {
                problems.add("document " + index + " is not a mapping");
                continue;
            }
            String where = describe(map, index);
            if (!(map.get("apiVersion") instanceof String) || !(map.get("kind") instanceof String)) {
                problems.add(where + ": apiVersion and kind are required");
                continue;
            }
            KubernetesResource resource;
            try {
                resource = SERIALIZATION.unmarshal(SERIALIZATION.asJson(map), KubernetesResource.class);
            } catch (RuntimeException e) {
                problems.add(where + ": does not fit the Kubernetes API types: " + firstLine(e));
                continue;
            }
            if (resource instanceof GenericKubernetesResource || !(resource instanceof HasMetadata object)) {
                problems.add(where + ": apiVersion " + map.get("apiVersion") + " kind " + map.get("kind")
                        + " is not a Kubernetes API type");
                continue;
            }
            UnknownFields.in(object).forEach(field -> problems.add(where + ": unknown field " + field));
            if (object.getMetadata() == null || object.getMetadata().getName() == null
                    || object.getMetadata().getName().isBlank()) {
                problems.add(where + ": metadata.name is required");
                continue;
            }
            objects.add(object);
        }
        return new Manifests(List.copyOf(objects), List.copyOf(problems));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    <T extends HasMetadata> T get(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new AssertionError(
                "no " + type.getSimpleName() + " named " + name + " in the rendered manifests"));
    }

    static String where(HasMetadata object) {
        return object.getKind() + "/" + (object.getMetadata() == null ? "?" : object.getMetadata().getName());
    }

    private static String describe(Map<?, ?> document, int index) {
        Object name = document.get("metadata") instanceof Map<?, ?> metadata ? metadata.get("name") : null;
        return document.get("kind") + "/" + (name == null ? "#" + index : name);
    }

    private static String firstLine(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = String.valueOf(cause.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
