package dht.cli;

import dht.client.DhtClient;
import dht.client.DhtException;
import dht.client.UnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * {@code dhtctl}: the operator's command line. Plain Java (picocli, the JDK's HTTP client, Jackson)
 * so that it starts in a blink; the options here apply to every command. The commands on keys go
 * through the Java client ({@link DhtClient}), which sends each request straight to a replica of the key.
 */
// scope INHERIT gives every command --help and --version, where the usage errors point
@Command(name = "dhtctl", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = Dhtctl.Version.class,
        description = "Operate a DHT: read and write keys, show the ring and who owns a key, make a node leave, follow ring events.",
        subcommands = {PutCommand.class, GetCommand.class, DeleteCommand.class, ListCommand.class, RingCommand.class, OwnerCommand.class,
                LeaveCommand.class, RemoveCommand.class, WatchCommand.class, ShellCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:done",
                "1:the cluster answered with an error (or disagrees with itself)",
                "2:bad arguments or options",
                "3:the registry (or --node) cannot be reached, nor any node that could serve the request",
                "4:the key does not exist"})
public final class Dhtctl implements Runnable {

    static final String DEFAULT_REGISTRY = "http://localhost:50000";

    @Option(names = "--registry", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "The registry. Default: $DHT_REGISTRY_URL, else " + DEFAULT_REGISTRY + " (unless --node is given).")
    String registry;

    @Option(names = "--node", scope = ScopeType.INHERIT, paramLabel = "URL",
            description = "Without --registry, find the ring by walking it from this node, neighbor by neighbor (for clusters "
                    + "without a registry at hand); watch follows its ring events rather than a random live node's.")
    String node;

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "Sent as 'Authorization: Bearer TOKEN' to the registry and every node: the cluster token "
                    + "(dht.security.cluster-token; leave needs it, and it may read and write keys) or an API key (get, "
                    + "and put and delete with a read-write key). Default: $DHT_TOKEN, which keeps it out of the process list.")
    String token;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT", defaultValue = "text",
            description = "text or json (read commands). Default: ${DEFAULT-VALUE}.")
    Output output;

    @Option(names = "--timeout", scope = ScopeType.INHERIT, paramLabel = "DURATION", defaultValue = "5s",
            converter = DurationConverter.class,
            description = "How long to wait for each answer (500ms, 5s, 1m). Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Spec
    CommandSpec spec;

    private final Streams streams;
    private final Map<String, String> env;
    private Cluster cluster;
    private DhtClient client;
    private Answer lastAnswer;

    Dhtctl(Streams streams, Map<String, String> env) {
        this.streams = streams;
        this.env = env;
    }

    public static void main(String[] args) {
        // the Java client's libraries log through SLF4J, which dhtctl gives no backend: its own messages
        // are all it prints, so SLF4J must not warn on standard error that it has none
        System.setProperty("slf4j.internal.verbosity", "ERROR");
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.exit(run(new Streams(System.in, out, err), System.getenv(), args));
    }

    /** Runs one command line and answers its exit code; what it prints goes to {@code streams}. */
    static int run(Streams streams, Map<String, String> env, String... args) {
        Dhtctl dhtctl = new Dhtctl(streams, env);
        try {
            return commandLine(dhtctl).execute(args);
        } finally {
            dhtctl.close();
            streams.out().flush();
            streams.err().flush();
        }
    }

    static CommandLine commandLine(Dhtctl dhtctl) {
        Streams streams = dhtctl.streams;
        CommandLine cli = new CommandLine(dhtctl);
        cli.setOut(new PrintWriter(new OutputStreamWriter(streams.out(), StandardCharsets.UTF_8), true));
        cli.setErr(new PrintWriter(new OutputStreamWriter(streams.err(), StandardCharsets.UTF_8), true));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((problem, args) -> {
            String command = problem.getCommandLine().getCommandSpec().qualifiedName();
            streams.err().println("dhtctl: " + problem.getMessage() + " (see '" + command + " --help')");
            return Exit.USAGE;
        });
        cli.setExecutionExceptionHandler((problem, commandLine, parseResult) -> {
            if (problem instanceof CliException failure) {
                streams.err().println("dhtctl: " + failure.getMessage());
                return failure.exitCode();
            }
            if (problem instanceof DhtException failure) {
                streams.err().println("dhtctl: " + failure.getMessage());
                return failure instanceof UnavailableException ? Exit.UNREACHABLE : Exit.FAILED;
            }
            streams.err().println("dhtctl: " + problem);
            return Exit.FAILED;
        });
        return cli;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "no command given");
    }

    Streams streams() {
        return streams;
    }

    boolean json() {
        return output == Output.json;
    }

    /** The cluster as the options and environment describe it, connected on first use. */
    Cluster cluster() {
        if (cluster == null) {
            String registryUrl = registry;
            if (registryUrl == null && node == null) {
                String fromEnv = nonBlank(env.get("DHT_REGISTRY_URL"));
                registryUrl = fromEnv == null ? DEFAULT_REGISTRY : fromEnv;
            }
            cluster = new Cluster(registryUrl, node, timeout, token());
        }
        return cluster;
    }

    /**
     * The Java client for the same cluster, with the same timeout and token, once it has learned the
     * ring: from the registry, else by walking it from {@code --node}.
     */
    DhtClient client() {
        if (client == null) {
            Cluster known = cluster();
            DhtClient.Builder builder = DhtClient.builder().connectTimeout(timeout).requestTimeout(timeout)
                    .answerListener((servedBy, status) -> lastAnswer = new Answer(servedBy, status));
            if (known.hasRegistry()) {
                builder.registry(known.registry());
            } else {
                builder.nodes(known.node().orElseThrow());
            }
            String credential = token();
            if (credential != null) {
                builder.bearerToken(credential);
            }
            DhtClient connected = builder.build();
            try {
                learnRing(connected, known);
            } catch (CliException e) {
                connected.close();
                throw e;
            }
            client = connected;
        }
        return client;
    }

    /** The answer the last call on one key ended with. */
    Answer lastAnswer() {
        return lastAnswer;
    }

    /** Has the client read the ring now, so that a registry or node that cannot be reached says so as for every command. */
    private void learnRing(DhtClient connected, Cluster known) {
        try {
            connected.knownNodes();
        } catch (UnavailableException e) {
            IOException cause = ioCauseOf(e);
            if (cause == null) {
                throw CliException.failed(e.getMessage());
            }
            String reason = Cluster.Unreachable.because(cause, timeout).getMessage();
            throw known.hasRegistry() ? known.registryUnreachable(reason)
                    : CliException.unreachable("no node could be reached (" + known.node().orElseThrow().getAuthority() + " " + reason + ")");
        }
    }

    private static IOException ioCauseOf(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException io) {
                return io;
            }
        }
        return null;
    }

    /** {@code --token}, else {@code $DHT_TOKEN}; null for none. */
    private String token() {
        return token != null ? token : nonBlank(env.get("DHT_TOKEN"));
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private void close() {
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    enum Output { text, json }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Dhtctl.class.getPackage().getImplementationVersion();
            return new String[] {"dhtctl " + (version == null ? "(development build)" : version)};
        }
    }
}
