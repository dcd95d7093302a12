package dht.cli;

import dht.cli.Cluster.Reply;
import dht.cli.Cluster.Unreachable;
import dht.core.wire.DhtHeaders;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code PUT}, {@code GET} and {@code DELETE} of one key, and pages of a listing, sent to a random
 * live node as the seed's client did; a node that cannot be reached, or is not in the ring yet ({@code 503}), is passed over
 * for the next.
 */
final class KeyClient {

    private final Cluster cluster;

    KeyClient(Cluster cluster) {
        this.cluster = cluster;
    }

    /** A write of a value that lives {@code ttlSeconds} ({@code ?ttl=}), or permanently when that is null. */
    KeyReply put(String key, byte[] value, String contentType, Long ttlSeconds) {
        return send("PUT", key, ttlSeconds == null ? "" : "?ttl=" + ttlSeconds, value, contentType);
    }

    KeyReply get(String key) {
        return send("GET", key, "", null, null);
    }

    KeyReply delete(String key) {
        return send("DELETE", key, "", null, null);
    }

    private KeyReply send(String method, String key, String query, byte[] body, String contentType) {
        if (key.isEmpty()) {
            throw CliException.usage("a key is 1 to 1024 bytes of UTF-8, not empty");
        }
        KeyReply answer = toAnyNode(method, Cluster.keyPath(key) + query, body, contentType, "'" + key + "'");
        return new KeyReply(key, answer.via(), answer.reply());
    }

    /** One page of the keys that start with {@code prefix} ({@code GET /keys}), after {@code cursor} unless it is null. */
    KeyReply list(String prefix, int limit, String cursor) {
        StringBuilder path = new StringBuilder("/keys?prefix=").append(URLEncoder.encode(prefix, StandardCharsets.UTF_8))
                .append("&limit=").append(limit);
        if (cursor != null) {
            path.append("&cursor=").append(URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        }
        return toAnyNode("GET", path.toString(), null, null, "the listing");
    }

    /** Sends the request to a random live node, passing over one that cannot be reached or does not serve yet ({@code 503}). */
    private KeyReply toAnyNode(String method, String pathAndQuery, byte[] body, String contentType, String what) {
        List<String> refusals = new ArrayList<>();
        boolean anyAnswered = false;
        for (URI node : cluster.entryNodes()) {
            try {
                Reply reply = cluster.call(method, node.resolve(pathAndQuery), body, contentType);
                if (reply.status() == 503) {
                    anyAnswered = true;
                    refusals.add(node.getAuthority() + " " + reply.describe());
                    continue;
                }
                return new KeyReply(null, node, reply);
            } catch (Unreachable e) {
                refusals.add(node.getAuthority() + " " + e.getMessage());
            }
        }
        String tried = String.join("; ", refusals);
        if (anyAnswered) {
            throw CliException.failed("no node would serve " + what + " (" + tried + ")");
        }
        throw CliException.unreachable("no node could be reached (" + tried + ")");
    }

    /** A node's answer about a key, and which node it came from. */
    record KeyReply(String key, URI via, Reply reply) {

        int status() {
            return reply.status();
        }

        String owner() {
            return reply.header(DhtHeaders.OWNER).orElse("?");
        }

        String hops() {
            return reply.header(DhtHeaders.HOPS).orElse("?");
        }

        /** The hops as a number, or {@code null} when the node did not say. */
        Integer hopCount() {
            try {
                return reply.header(DhtHeaders.HOPS).map(Integer::valueOf).orElse(null);
            } catch (NumberFormatException e) {
                return null;
            }
        }

        /** Ends the command unless the answer is a success: exit 4 for an absent key, 1 otherwise. */
        KeyReply requireSuccess() {
            if (reply.status() == 404 && reply.header(DhtHeaders.OWNER).isPresent()) {
                throw CliException.notFound("key '" + key + "' not found");
            }
            if (!reply.ok()) {
                throw CliException.failed(via.getAuthority() + " answered " + reply.describe());
            }
            return this;
        }

        /** {@code via 127.0.0.1:50002, owner 8877c799045ba648, hops 1, status 201}. */
        String summary() {
            return "via " + via.getAuthority() + ", owner " + owner() + ", hops " + hops() + ", status " + status();
        }
    }
}
