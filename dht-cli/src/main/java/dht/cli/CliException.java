package dht.cli;

/** Ends a command with a one-line message on standard error and the given exit code. */
final class CliException extends RuntimeException {

    private final int exitCode;

    CliException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    static CliException failed(String message) {
        return new CliException(Exit.FAILED, message);
    }

    static CliException unreachable(String message) {
        return new CliException(Exit.UNREACHABLE, message);
    }

    static CliException notFound(String message) {
        return new CliException(Exit.NOT_FOUND, message);
    }

    static CliException usage(String message) {
        return new CliException(Exit.USAGE, message);
    }

    int exitCode() {
        return exitCode;
    }
}
