package dht.cli;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every failure is one line on standard error, with the documented exit code. */
class ErrorsTest {

    @Test
    void anUnreachableRegistryExitsWithThree() throws Exception {
        String registry = "http://127.0.0.1:" + closedPort();
        for (String[] command : new String[][] {{"ring"}, {"get", "k"}, {"put", "k", "v"}, {"owner", "k"}, {"watch"}}) {
            Cli.Result result = Cli.run(new byte[0], Map.of("DHT_REGISTRY_URL", registry), command);
            assertThat(result.exit()).as(result.toString()).isEqualTo(Exit.UNREACHABLE);
            assertThat(result.stderr()).startsWith("dhtctl: cannot reach the registry at " + registry + " (connection refused)")
                    .hasLineCount(1);
            assertThat(result.stdout()).isEmpty();
        }
    }

    @Test
    void anUnreachableNodeExitsWithThree() throws Exception {
        Cli.Result result = Cli.run("--node", "127.0.0.1:" + closedPort(), "get", "k");
        assertThat(result.exit()).isEqualTo(Exit.UNREACHABLE);
        assertThat(result.stderr()).startsWith("dhtctl: no node could be reached").hasLineCount(1);
    }

    @Test
    void badArgumentsExitWithTwoAndPointToTheHelp() {
        assertUsage(Cli.run("get"), "Missing required parameter: 'KEY'", "dhtctl get --help");
        assertUsage(Cli.run("frobnicate"), "Unmatched argument at index 0: 'frobnicate'", "dhtctl --help");
        assertUsage(Cli.run("--timeout", "soon", "ring"), "'soon' is not a duration", "dhtctl --help");
        assertUsage(Cli.run("ring", "--output", "yaml"), "expected one of [text, json]", "dhtctl ring --help");
        assertUsage(Cli.run("put", "k"), "Missing required parameter: 'VALUE|-'", "dhtctl put --help");
        assertUsage(Cli.run("--registry", "not a url", "ring"), "--registry: 'not a url' is not a URL", "");
        assertUsage(Cli.run(), "no command given", "dhtctl --help");
    }

    @Test
    void helpAndVersionExitWithZero() {
        Cli.Result help = Cli.run("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("put", "get", "delete", "ring", "owner", "leave", "watch", "shell", "Exit codes:");
        assertThat(Cli.run("--version").out()).startsWith("dhtctl ");
    }

    @Test
    void everyCommandAnswersTheHelpItsUsageErrorsPointTo() {
        for (String command : new String[] {"put", "get", "delete", "ring", "owner", "leave", "watch", "shell"}) {
            Cli.Result help = Cli.run(command, "--help");
            assertThat(help.exit()).as(help.toString()).isZero();
            assertThat(help.out()).startsWith("Usage: dhtctl " + command + " ");
        }
    }

    private static void assertUsage(Cli.Result result, String message, String help) {
        assertThat(result.exit()).as(result.toString()).isEqualTo(Exit.USAGE);
        assertThat(result.stderr()).startsWith("dhtctl: ").contains(message).contains(help).hasLineCount(1);
    }

    /** A loopback port nothing listens on. */
    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
