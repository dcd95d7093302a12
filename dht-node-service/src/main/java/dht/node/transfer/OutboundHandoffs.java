package dht.node.transfer;

import dht.core.KeyRange;
import dht.core.NodeRef;
import dht.core.wire.StoreCursor;
import dht.node.storage.KeyValueStore;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ranges this node gave away and still holds keys of, until their new owner has confirmed every
 * key. Only such a range may be read by a transfer, and only what was confirmed is deleted.
 */
@Component
public class OutboundHandoffs {

    private final Map<KeyRange, Handoff> handoffs = new ConcurrentHashMap<>();

    public Handoff begin(KeyRange range, NodeRef recipient) {
        return handoffs.computeIfAbsent(range, r -> new Handoff(r, recipient, new CompletableFuture<>(), new AtomicLong(),
                new AtomicReference<>()));
    }

    public Optional<Handoff> of(KeyRange range) {
        return Optional.ofNullable(handoffs.get(range));
    }

    public void finish(Handoff handoff) {
        handoffs.remove(handoff.range(), handoff);
        handoff.done().complete(null);
    }

    public List<Handoff> all() {
        return List.copyOf(handoffs.values());
    }

    /**
     * A range on its way to {@code recipient}; {@code done} completes when all of it is confirmed.
     * {@code removedThrough} is where the confirmed part deleted so far ends, so that each round
     * deletes only what was confirmed since the last.
     */
    public record Handoff(KeyRange range, NodeRef recipient, CompletableFuture<Void> done, AtomicLong keysSent,
                          AtomicReference<StoreCursor> removedThrough) {

        /** Deletes from {@code store} what the recipient confirmed, through {@code through}, and was not deleted yet. */
        public synchronized void removeConfirmed(KeyValueStore store, StoreCursor through) {
            store.removeThrough(range, removedThrough.get(), through);
            removedThrough.set(through);
        }
    }
}
