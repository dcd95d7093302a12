package dht.cli;

import dht.client.Value;
import picocli.CommandLine.Command;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

@Command(name = "get", description = "Read a key from a replica and write its raw bytes to standard output "
        + "(so '> file' saves a blob); --verbose also shows the size, content type and when the value expires, if it does. "
        + "Exit code 4 when the key does not exist.")
final class GetCommand extends KeyCommand {

    @Override
    public Integer call() {
        Value read = client().get(validKey()).orElseThrow(() -> notFound(key));
        byte[] value = read.bytes();
        String contentType = read.contentType();
        Optional<String> expires = read.expires().map(Instant::toString);
        report(", " + value.length + " bytes, " + contentType + expires.map(at -> ", expires " + at).orElse(""));
        if (json()) {
            printJson(answer -> {
                answer.put("contentType", contentType);
                answer.put("etag", read.version() == null ? null : "\"" + read.version() + "\"");
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
