package dht.cli;

import dht.core.wire.DhtHeaders;
import picocli.CommandLine.Command;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

@Command(name = "get", description = "Read a key through a random live node and write its raw bytes to standard output "
        + "(so '> file' saves a blob); --verbose also shows the size, content type and when the value expires, if it does. "
        + "Exit code 4 when the key does not exist.")
final class GetCommand extends KeyCommand {

    @Override
    public Integer call() {
        KeyClient.KeyReply reply = keys().get(key).requireSuccess();
        byte[] value = reply.reply().body();
        String contentType = reply.reply().header("Content-Type").orElse(null);
        Optional<String> expires = reply.reply().header(DhtHeaders.EXPIRES);
        report(reply, ", " + value.length + " bytes" + (contentType == null ? "" : ", " + contentType)
                + expires.map(at -> ", expires " + at).orElse(""));
        if (json()) {
            printJson(reply, answer -> {
                answer.put("contentType", contentType);
                answer.put("etag", reply.reply().header("ETag").orElse(null));
                answer.put("bytes", value.length);
                answer.put("expires", expires.orElse(null));
                text(value).ifPresentOrElse(text -> answer.put("value", text),
                        () -> answer.put("valueBase64", Base64.getEncoder().encodeToString(value)));
            });
        } else {
            streams().out().writeBytes(value);
            streams().out().flush();
        }
        return Exit.OK;
    }

    /** The value as a string when it is valid UTF-8 without control characters other than white space. */
    static Optional<String> text(byte[] value) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value)).toString();
            boolean printable = text.chars().allMatch(c -> c >= 0x20 || c == '\n' || c == '\r' || c == '\t');
            return printable ? Optional.of(text) : Optional.empty();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
