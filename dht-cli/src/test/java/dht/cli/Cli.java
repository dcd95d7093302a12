package dht.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs {@code dhtctl} in this JVM, as its {@code main} would, with standard input and output captured. */
final class Cli {

    private Cli() {
    }

    static Result run(String... args) {
        return run(new byte[0], args);
    }

    static Result run(byte[] stdin, String... args) {
        return run(stdin, Map.of(), args);
    }

    static Result run(byte[] stdin, Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Dhtctl.run(new Streams(new ByteArrayInputStream(stdin), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)), env, args);
        return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /** Starts {@code dhtctl} on a thread of its own, for commands that run until something happens (watch). */
    static Running start(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Streams streams = new Streams(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        CompletableFuture<Result> result = CompletableFuture.supplyAsync(() -> {
            int exit = Dhtctl.run(streams, Map.of(), args);
            return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        });
        return new Running(err, result);
    }

    /** A run under way: its standard error so far, and its result once it ends. */
    record Running(ByteArrayOutputStream err, CompletableFuture<Result> result) {

        String stderr() {
            return err.toString(StandardCharsets.UTF_8);
        }

        Result await(Duration deadline) throws Exception {
            return result.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** What one run left: its exit code, the bytes it wrote to standard output, and its standard error. */
    record Result(int exit, byte[] stdout, String stderr) {

        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out() + "--- stderr\n" + stderr;
        }
    }
}
