package dht.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The file {@code deploy/k8s}'s secretGenerator makes Secret {@code dht-cluster-token} of: the
 * operator creates it (no token is shipped), git ignores it. The checks never read an operator's
 * file: they render a copy of the kustomization with a token of their own in its place.
 */
final class ClusterTokenFile {

    static final String SECRET = "dht-cluster-token";
    static final String KEY = "cluster-token";

    private static final SecureRandom RANDOM = new SecureRandom();

    private ClusterTokenFile() {
    }

    /**
     * The file, relative to the kustomization's folder, that its secretGenerator named
     * {@value #SECRET} reads key {@value #KEY} from; empty when no generator makes that Secret.
     */
    static Optional<String> of(Map<String, Object> kustomization) {
        if (!(kustomization.get("secretGenerator") instanceof List<?> generators)) {
            return Optional.empty();
        }
        for (Object generator : generators) {
            if (generator instanceof Map<?, ?> map && SECRET.equals(map.get("name"))
                    && map.get("files") instanceof List<?> files) {
                for (Object source : files) {
                    String text = String.valueOf(source);
                    int equals = text.indexOf('=');
                    String key = equals < 0 ? Path.of(text).getFileName().toString() : text.substring(0, equals);
                    if (key.equals(KEY)) {
                        return Optional.of(equals < 0 ? text : text.substring(equals + 1));
                    }
                }
            }
        }
        return Optional.empty();
    }

    static Optional<String> of(Path kustomizationDirectory) {
        Path file = kustomizationDirectory.resolve("kustomization.yaml");
        return of(Yaml.load(Checkout.read(file), file.toString()));
    }

    /** A token as an operator makes one ({@code openssl rand -hex 32}): 64 hex digits, no line break. */
    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * Copies the kustomization in {@code from} (its files, not subfolders) into {@code to}, leaving
     * out the token file an operator may have created there, and writes {@code token} in its place
     * unless it is null.
     */
    static void copy(Path from, Path to, String token) {
        Optional<String> tokenFile = of(from);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (tokenFile.isPresent() && from.resolve(tokenFile.get()).normalize().equals(file.normalize())) {
                    continue;
                }
                Files.copy(file, to.resolve(file.getFileName()));
            }
            if (token != null && tokenFile.isPresent()) {
                Files.writeString(to.resolve(tokenFile.get()), token);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
