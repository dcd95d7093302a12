package dht.cli;

/** The exit codes of {@code dhtctl}, as its help and the README list them. */
final class Exit {

    /** The command did what it was asked. */
    static final int OK = 0;
    /** The cluster answered with an error, or disagreed with itself, or the command failed otherwise. */
    static final int FAILED = 1;
    /** Bad arguments or options. */
    static final int USAGE = 2;
    /** The registry (or the node given with {@code --node}) cannot be reached, nor any node of the ring. */
    static final int UNREACHABLE = 3;
    /** The key does not exist. */
    static final int NOT_FOUND = 4;

    private Exit() {
    }
}
