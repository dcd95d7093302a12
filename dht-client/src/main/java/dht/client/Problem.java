package dht.client;

import dht.client.Transport.Reply;
import tools.jackson.databind.JsonNode;

/** The RFC 9457 problem a node answers a failure with; title and detail empty when the body is none. */
record Problem(String title, String detail) {

    static Problem of(Reply reply) {
        JsonNode body = Json.parseOrNull(reply.body());
        if (body == null) {
            return new Problem("", "");
        }
        return new Problem(body.path("title").asString(""), body.path("detail").asString(""));
    }

    /** {@code 503 Node not in the ring: detail}, for messages. */
    String describe(int status) {
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
