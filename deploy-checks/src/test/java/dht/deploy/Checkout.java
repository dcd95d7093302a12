package dht.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Files of the checkout the checks read: {@code deploy/} and the apps' own configuration. */
final class Checkout {

    private Checkout() {
    }

    /** The repository root, which the build passes as {@code dht.repository.root}. */
    static Path root() {
        String configured = System.getProperty("dht.repository.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..");
        root = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("deploy"))) {
            throw new IllegalStateException("no deploy/ under " + root + "; set -Ddht.repository.root");
        }
        return root;
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(String relative) {
        return read(path(relative));
    }

    /**
     * Whether git would leave {@code relative} out of a commit: its ignore rules match the path and
     * the checkout does not track it. Without git or a work tree, the root .gitignore must list the
     * path itself.
     */
    static boolean ignoredByGit(String relative) {
        Optional<Integer> ignored = git("check-ignore", "-q", "--no-index", relative);
        Optional<Integer> tracked = git("ls-files", "--error-unmatch", relative);
        if (ignored.isPresent() && ignored.get() <= 1 && tracked.isPresent()) {
            return ignored.get() == 0 && tracked.get() != 0;
        }
        return read(".gitignore").lines().map(String::strip)
                .anyMatch(line -> line.equals(relative) || line.equals("/" + relative));
    }

    /** git's exit code for a command in the root, or empty when there is no git to ask. */
    private static Optional<Integer> git(String... arguments) {
        List<String> command = new ArrayList<>(List.of("git", "-C", root().toString()));
        command.addAll(List.of(arguments));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return Optional.of(process.exitValue());
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
