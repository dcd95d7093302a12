package dht.client;

import dht.client.Transport.Reply;
import tools.jackson.databind.JsonNode;

/**
 * The RFC 9457 problem the cluster answers a failure with; title and detail empty when the body is
 * none. The client's exceptions describe answers with it; public for tools that make their own calls.
 */
public record Problem(String title, String detail) {

    /** The problem in an answer's body, whatever the body is. */
    public static Problem of(byte[] body) {
        JsonNode json = Json.parseOrNull(body);
        if (json == null) {
            return new Problem("", "");
        }
        return new Problem(json.path("title").asString(""), json.path("detail").asString(""));
    }

    static Problem of(Reply reply) {
        return of(reply.body());
    }

    /** {@code 503 Node not in the ring: detail}, for messages. */
    public String describe(int status) {
        StringBuilder text = new StringBuilder().append(status);
        if (!title.isEmpty()) {
            text.append(' ').append(title);
        }
        if (!detail.isEmpty()) {
            text.append(": ").append(detail);
        }
        return text.toString();
    }
}
