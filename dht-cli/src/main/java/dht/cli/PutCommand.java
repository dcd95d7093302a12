package dht.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

@Command(name = "put", description = "Write a key through a random live node. The value is VALUE, or standard input when VALUE is '-' "
        + "(so 'dhtctl put photo - < photo.jpg' stores a file). Prints 'created' or 'replaced'.")
final class PutCommand extends KeyCommand {

    static final String TEXT = "text/plain; charset=UTF-8";
    static final String BINARY = "application/octet-stream";

    @Parameters(index = "1", paramLabel = "VALUE|-", description = "The value, or '-' to read it from standard input.")
    String value;

    @Option(names = {"-t", "--content-type"}, paramLabel = "TYPE",
            description = "Stored with the value. Default: " + TEXT + " for a VALUE, " + BINARY + " for '-'.")
    String contentType;

    @Override
    public Integer call() throws IOException {
        boolean fromStdin = "-".equals(value);
        byte[] bytes = fromStdin ? streams().in().readAllBytes() : value.getBytes(StandardCharsets.UTF_8);
        String type = contentType != null ? contentType : fromStdin ? BINARY : TEXT;
        KeyClient.KeyReply reply = keys().put(key, bytes, type).requireSuccess();
        report(reply, "");
        boolean created = reply.status() == 201;
        if (json()) {
            JsonNode written = Json.parseOrNull(reply.reply().body());
            printJson(reply, answer -> {
                answer.put("created", created);
                answer.put("version", written == null ? null : written.path("version").asString(null));
                answer.put("bytes", bytes.length);
                answer.put("contentType", type);
            });
        } else {
            streams().out().println(created ? "created" : "replaced");
        }
        return Exit.OK;
    }
}
