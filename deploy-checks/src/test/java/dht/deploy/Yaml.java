package dht.deploy;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Strict YAML reading: a key given twice in one mapping is an error, not a silent overwrite. */
final class Yaml {

    private Yaml() {
    }

    private static org.yaml.snakeyaml.Yaml strict() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new org.yaml.snakeyaml.Yaml(new SafeConstructor(options));
    }

    /** One document, which must be a mapping. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> load(String text, String source) {
        Object document = strict().load(text);
        if (!(document instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(source + " is not a YAML mapping");
        }
        return (Map<String, Object>) document;
    }

    /** Every non-empty document of a multi-document stream. */
    static List<Object> loadAll(String text) {
        List<Object> documents = new ArrayList<>();
        for (Object document : strict().loadAll(text)) {
            if (document != null) {
                documents.add(document);
            }
        }
        return documents;
    }

    static String dump(Object document) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new org.yaml.snakeyaml.Yaml(options).dump(document);
    }

    /**
     * The documents of a stream in one fixed form, whoever wrote them: keys sorted, block style.
     * Two renderings of the same objects give the same text.
     */
    static String canonical(String text) {
        return String.join("---\n", loadAll(text).stream().map(Yaml::sorted).map(Yaml::dump).toList());
    }

    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((key, element) -> sorted.put(String.valueOf(key), sorted(element)));
            return sorted;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(Yaml::sorted).toList();
        }
        return value;
    }

    /** The value at a dotted path of nested mappings ({@code server.port}). */
    static Optional<Object> at(Map<String, Object> root, String dottedPath) {
        Object current = root;
        for (String key : dottedPath.split("\\.")) {
            if (!(current instanceof Map<?, ?> map) || !map.containsKey(key)) {
                return Optional.empty();
            }
            current = map.get(key);
        }
        return Optional.ofNullable(current);
    }
}
