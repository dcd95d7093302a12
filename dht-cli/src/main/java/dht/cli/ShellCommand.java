package dht.cli;

import dht.client.DhtException;
import dht.client.Value;
import picocli.CommandLine.Command;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

@Command(name = "shell", description = "The seed client's interactive mode: one command a line, SET key value / GET key / "
        + "DELETE key, each sent straight to a replica of the key; 'help' lists them, 'exit' or end of input quits.")
final class ShellCommand extends ClusterCommand {

    static final String HELP = """
            SET key value   store value (the rest of the line) under key
            GET key         print the value of key
            DELETE key      delete key
            help            this list
            exit            leave the shell (so does end of input)""";

    @Override
    public Integer call() throws IOException {
        PrintStream out = streams().out();
        boolean interactive = System.console() != null && streams().in() == System.in;
        BufferedReader lines = new BufferedReader(new InputStreamReader(streams().in(), StandardCharsets.UTF_8));
        if (interactive) {
            out.println("dhtctl shell: SET key value, GET key, DELETE key, help, exit");
        }
        while (true) {
            if (interactive) {
                out.print("dht> ");
                out.flush();
            }
            String line = lines.readLine();
            if (line == null) {
                return Exit.OK;
            }
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+", 3);
            String command = words[0].toUpperCase(Locale.ROOT);
            if (command.equals("EXIT") || command.equals("QUIT")) {
                return Exit.OK;
            }
            try {
                execute(command, words, out);
            } catch (CliException | DhtException e) {
                streams().err().println("error: " + e.getMessage());
            }
            out.flush();
        }
    }

    private void execute(String command, String[] words, PrintStream out) {
        switch (command) {
            case "HELP", "?" -> out.println(HELP);
            case "SET", "PUT" -> {
                if (words.length < 3) {
                    throw CliException.usage("usage: SET key value");
                }
                byte[] value = words[2].getBytes(StandardCharsets.UTF_8);
                out.println(client().put(KeyCommand.checked(words[1]), value, PutCommand.TEXT).created() ? "OK (created)" : "OK (replaced)");
            }
            case "GET" -> {
                if (words.length != 2) {
                    throw CliException.usage("usage: GET key");
                }
                out.println(client().get(KeyCommand.checked(words[1])).map(Value::asString).orElse("(not found)"));
            }
            case "DELETE", "DEL" -> {
                if (words.length != 2) {
                    throw CliException.usage("usage: DELETE key");
                }
                out.println(client().delete(KeyCommand.checked(words[1])) ? "OK (deleted)" : "(not found)");
            }
            default -> throw CliException.usage("unknown command '" + words[0] + "'; type 'help'");
        }
    }
}
