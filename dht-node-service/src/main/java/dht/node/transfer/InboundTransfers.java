package dht.node.transfer;

import dht.core.KeyRange;
import dht.core.NodeRef;
import dht.core.RingPosition;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Ranges this node owns but is still pulling from their previous holder. While a range is pending,
 * a key missing here may still sit at the source, and every key a client writes or deletes here is
 * remembered so that the older transferred copy does not overwrite it.
 */
@Component
public class InboundTransfers {

    private final List<Pending> pending = new CopyOnWriteArrayList<>();

    public Pending begin(KeyRange range, NodeRef source) {
        Pending transfer = new Pending(range, source, ConcurrentHashMap.newKeySet());
        pending.add(transfer);
        return transfer;
    }

    public void finish(Pending transfer) {
        pending.remove(transfer);
    }

    /** Asked on every key request, nearly always with nothing pending: a loop, not a stream. */
    public Optional<Pending> pendingFor(RingPosition position) {
        for (Pending transfer : pending) {
            if (transfer.range().contains(position)) {
                return Optional.of(transfer);
            }
        }
        return Optional.empty();
    }

    public List<Pending> all() {
        return List.copyOf(pending);
    }

    /** A range being pulled from {@code source}, with the keys clients touched here meanwhile. */
    public record Pending(KeyRange range, NodeRef source, Set<String> touchedKeys) {

        public void touched(String key) {
            touchedKeys.add(key);
        }

        public boolean wasTouched(String key) {
            return touchedKeys.contains(key);
        }
    }
}
