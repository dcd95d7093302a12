package dht.node.transfer;

import dht.core.KeyRange;
import dht.core.NodeRef;
import dht.core.wire.StoreCursor;
import dht.node.storage.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * Ranges this node gave away and still holds keys of, until their new owner has confirmed every
 * key. Only such a range may be read by a transfer. A node that keeps no copy of the range deletes
 * only what was confirmed; one that stays a replica of it deletes nothing.
 */
@Component
public class OutboundHandoffs {

    private static final Logger log = LoggerFactory.getLogger(OutboundHandoffs.class);

    private final Map<KeyRange, Handoff> handoffs = new ConcurrentHashMap<>();
    /** The ranges handed over last, so that a recipient whose confirmation went unanswered may confirm again. */
    private final Map<KeyRange, NodeRef> finished = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<KeyRange, NodeRef> eldest) {
            return size() > 64;
        }
    });

    /** Hands {@code range} over and deletes it here as the recipient confirms it: a leave, or a join without replicas. */
    public Handoff beginMove(KeyRange range, NodeRef recipient) {
        return begin(range, recipient, false);
    }

    /** Hands {@code range} over to a node this one stays a replica for: every copy stays here. */
    public Handoff beginCopy(KeyRange range, NodeRef recipient) {
        return begin(range, recipient, true);
    }

    private Handoff begin(KeyRange range, NodeRef recipient, boolean keepsCopies) {
        return handoffs.computeIfAbsent(range, r -> new Handoff(r, recipient, keepsCopies, new CompletableFuture<>(),
                new AtomicLong(), new AtomicReference<>()));
    }

    /**
     * Ends every handoff to the recipients declared dead: this node owns those ranges again, so a late
     * confirmation from it must not delete a thing.
     */
    public void abandon(Predicate<NodeRef> recipients) {
        handoffs.values().removeIf(handoff -> {
            if (!recipients.test(handoff.recipient())) {
                return false;
            }
            log.warn("abandoned handing {} to {}: it was declared dead", handoff.range(), handoff.recipient());
            return true;
        });
    }

    /** Drops a handoff that never began: its recipient did not take the range. */
    public void cancel(Handoff handoff) {
        handoffs.remove(handoff.range(), handoff);
    }

    public Optional<Handoff> of(KeyRange range) {
        return Optional.ofNullable(handoffs.get(range));
    }

    public void finish(Handoff handoff) {
        if (handoffs.remove(handoff.range(), handoff)) {
            finished.put(handoff.range(), handoff.recipient());
        }
        handoff.done().complete(null);
    }

    /** Whether {@code range} was handed over to its recipient lately, and no handoff of it began since. */
    public boolean finishedLately(KeyRange range) {
        return !handoffs.containsKey(range) && finished.containsKey(range);
    }

    public List<Handoff> all() {
        return List.copyOf(handoffs.values());
    }

    /**
     * A range on its way to {@code recipient}; {@code done} completes when all of it is confirmed.
     * {@code removedThrough} is where the confirmed part deleted so far ends, so that each round
     * deletes only what was confirmed since the last.
     */
    public record Handoff(KeyRange range, NodeRef recipient, boolean keepsCopies, CompletableFuture<Void> done,
                          AtomicLong keysSent, AtomicReference<StoreCursor> removedThrough) {

        /**
         * Deletes from {@code store} what the recipient confirmed, through {@code through}, and was
         * not deleted yet; nothing when this node keeps its copies.
         */
        public synchronized void removeConfirmed(KeyValueStore store, StoreCursor through) {
            if (keepsCopies) {
                return;
            }
            store.removeThrough(range, removedThrough.get(), through);
            removedThrough.set(through);
        }

        /**
         * At the end of the handoff, deletes what the recipient confirmed, through {@code through},
         * from the range's start: copies sent by nodes with an older view of the ring may have
         * reached the range meanwhile, also where earlier rounds already deleted. Answers the keys of
         * the range left here that the recipient never confirmed; none when this node keeps its copies.
         */
        public synchronized long removeAllConfirmed(KeyValueStore store, StoreCursor through) {
            if (keepsCopies) {
                return 0;
            }
            if (through != null) {
                store.removeThrough(range, null, through);
            }
            return store.countIn(range);
        }
    }
}
