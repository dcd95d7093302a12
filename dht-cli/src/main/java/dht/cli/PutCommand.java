package dht.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

@Command(name = "put", description = "Write a key through a random live node. The value is VALUE, or standard input when VALUE is '-' "
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
        KeyClient.KeyReply reply = keys().put(key, bytes, type, ttl).requireSuccess();
        report(reply, "");
        boolean created = reply.status() == 201;
        if (json()) {
            JsonNode written = Json.parseOrNull(reply.reply().body());
            printJson(reply, answer -> {
                answer.put("created", created);
                answer.put("version", written == null ? null : written.path("version").asString(null));
                answer.put("bytes", bytes.length);
                answer.put("contentType", type);
                answer.put("ttl", ttl);
            });
        } else {
            streams().out().println(created ? "created" : "replaced");
        }
        return Exit.OK;
    }
}
