package dht.client;

import dht.core.Version;
import dht.core.wire.KeyChange;
import tools.jackson.databind.JsonNode;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * A watch on the keys under a prefix ({@code GET /keys?prefix=P&watch=true}), on a random node of the
 * ring; when its stream ends or its node goes away, it resumes on another node after the last event
 * it passed on ({@code Last-Event-ID}). A change may then come again (at least once on resume); each
 * key's changes still come in the order of their versions. Close it to stop.
 */
public final class KeysWatch implements AutoCloseable {

    private final KeyChangeListener listener;
    private final Consumer<KeysWatch> onClose;
    private final EventStreamFollower stream;
    private volatile String lastEventId;

    KeysWatch(String prefix, KeyChangeListener listener, KnownRing ring, Transport transport, Consumer<KeysWatch> onClose) {
        this.listener = listener;
        this.onClose = onClose;
        this.stream = new EventStreamFollower("dht-client-keys-watch", ring, transport,
                "/keys?watch=true&prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8).replace("+", "%20"),
                () -> lastEventId, new EventStreamFollower.Handler() {
                    @Override
                    public void event(String type, String data, String id) {
                        KeysWatch.this.event(type, data);
                    }

                    @Override
                    public void connected(String address) {
                        listener.connected(address);
                    }

                    @Override
                    public void disconnected(String address) {
                        listener.disconnected(address);
                    }
                });
    }

    /** Passes a change or a reset on; a change's ID is where the watch resumes. */
    private void event(String type, String data) {
        switch (type) {
            case "reset" -> listener.reset();
            case "put", "delete" -> {
                KeyChange change = changeIn(data);
                if (change != null) {
                    listener.changed(change);
                    lastEventId = change.version().toString();
                }
            }
            default -> {
                // "dropped": the stream ends, and the watch resumes
            }
        }
    }

    /** The change an event's JSON data names; null when it names none. */
    private static KeyChange changeIn(String data) {
        JsonNode json = Json.parseOrNull(data.getBytes(StandardCharsets.UTF_8));
        if (json == null || !json.has("key") || !json.has("version") || !json.has("type")) {
            return null;
        }
        try {
            return new KeyChange(json.path("key").asString(), Version.parse(json.path("version").asString()),
                    KeyChange.Type.ofWireName(json.path("type").asString()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void close() {
        onClose.accept(this);
        stream.close();
    }
}
