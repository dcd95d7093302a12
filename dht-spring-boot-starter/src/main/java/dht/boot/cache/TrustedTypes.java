package dht.boot.cache;

import java.util.List;
import java.util.stream.Stream;

/**
 * The classes a stored entry may name for its value: the packages of the application and those it
 * trusts, and the value types of {@code java.*}. Anyone who can write to the DHT can write an entry,
 * so reading one must not create an object of whatever class it names.
 */
final class TrustedTypes {

    private static final List<String> JAVA_VALUE_PACKAGES = List.of("java.lang", "java.math", "java.time", "java.util");

    private final List<String> packages;

    TrustedTypes(List<String> packages) {
        this.packages = Stream.concat(JAVA_VALUE_PACKAGES.stream(), packages.stream()).distinct().toList();
    }

    boolean trusts(String className) {
        return packages.stream().anyMatch(trusted -> className.startsWith(trusted + "."));
    }

    /** The same trust as a filter of Java serialization: these packages and their subpackages, nothing else. */
    String asSerialFilter(String... alsoTrusted) {
        return Stream.concat(Stream.concat(packages.stream().map(trusted -> trusted + ".**"), Stream.of(alsoTrusted)), Stream.of("!*"))
                .reduce((left, right) -> left + ";" + right).orElseThrow();
    }

    List<String> packages() {
        return packages;
    }
}
