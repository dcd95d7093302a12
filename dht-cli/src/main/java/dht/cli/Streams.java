package dht.cli;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * Where a command reads and writes: the process's standard streams, or a test's. {@code out} is a
 * byte stream so that {@code get} can write a value's raw bytes.
 */
record Streams(InputStream in, PrintStream out, PrintStream err) {

    static Streams system() {
        return new Streams(System.in, System.out, System.err);
    }
}
