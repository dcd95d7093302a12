package dht.cli;

import dht.client.Versioned;
import dht.client.WriteOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

@Command(name = "put", description = "Write a key to its replicas. The value is VALUE, or standard input when VALUE is '-' "
        + "(so 'dhtctl put photo - < photo.jpg' stores a file). With --ttl it expires after so many seconds; without, it is "
        + "permanent. Prints 'created' or 'replaced'.")
final class PutCommand extends KeyCommand {

    static final String TEXT = "text/plain; charset=UTF-8";
    static final String BINARY = "application/octet-stream";

    @Parameters(index = "1", paramLabel = "VALUE|-", description = "The value, or '-' to read it from standard input.")
    String value;

    @Option(names = {"-t", "--content-type"}, paramLabel = "TYPE",
            description = "Stored with the value. Default: " + TEXT + " for a VALUE, " + BINARY + " for '-'.")
    String contentType;

    @Option(names = "--ttl", paramLabel = "SECONDS",
            description = "Seconds the value lives (a positive whole number); from then on the key reads as absent. Default: permanent.")
    Long ttl;

    @Override
    public Integer call() throws IOException {
        if (ttl != null && ttl < 1) {
            throw CliException.usage("--ttl is a positive number of seconds, not " + ttl);
        }
        boolean fromStdin = "-".equals(value);
        byte[] bytes = fromStdin ? streams().in().readAllBytes() : value.getBytes(StandardCharsets.UTF_8);
        String type = contentType != null ? contentType : fromStdin ? BINARY : TEXT;
        Versioned written = client().put(validKey(), bytes, type,
                WriteOptions.defaults().withTtl(ttl == null ? null : Duration.ofSeconds(ttl)));
        report("");
        if (json()) {
            printJson(answer -> {
                answer.put("created", written.created());
                answer.put("version", written.version());
                answer.put("bytes", bytes.length);
                answer.put("contentType", type);
                answer.put("ttl", ttl);
            });
        } else {
            streams().out().println(written.created() ? "created" : "replaced");
        }
        return Exit.OK;
    }
}
