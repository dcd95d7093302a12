package dht.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads a {@code text/event-stream} one event at a time, as the HTML standard parses it: {@code event:}
 * names the event, {@code data:} lines are joined by newlines, a blank line ends the event, lines
 * starting with ':' are comments. The cluster's streams ({@code /ring/events}, a watch on keys) are
 * read with it; public for tools that follow them themselves.
 */
public final class ServerSentEvents {

    private final BufferedReader reader;

    public ServerSentEvents(BufferedReader reader) {
        this.reader = reader;
    }

    /** The next event, or empty when the stream ends. */
    public Optional<Event> next() throws IOException {
        String type = null;
        String id = null;
        StringBuilder data = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.isEmpty()) {
                if (data != null) {
                    return Optional.of(new Event(type == null ? "message" : type, data.toString(), id));
                }
                type = null;
                id = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "event" -> type = value;
                case "id" -> id = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                    // retry does not matter to a follower: it reconnects at its own pace
                }
            }
        }
        return Optional.empty();
    }

    /**
     * One event: its type ({@code message} when the stream names none), its data and its ID, if it
     * has one (where a watch on keys resumes).
     */
    public record Event(String type, String data, String id) {

        public Event(String type, String data) {
            this(type, data, null);
        }
    }
}
