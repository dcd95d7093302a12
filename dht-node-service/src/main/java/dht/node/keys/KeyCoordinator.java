package dht.node.keys;

import dht.core.Expiry;
import dht.core.HybridClock;
import dht.core.Key;
import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.wire.CopyAnswer;
import dht.core.wire.Entry;
import dht.node.peer.KeyFailure;
import dht.node.peer.KeyOutcome;
import dht.node.peer.KeyRequest;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;
import dht.node.replication.Replicator;
import dht.node.storage.Copies;
import dht.node.storage.KeyLocks;
import dht.node.storage.KeyValueStore;
import dht.node.time.NodeScheduler;
import dht.node.transfer.InboundTransfers.Pending;
import dht.node.transfer.InboundTransfers;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The owner's side of a key request: the local read or write that runs under the ownership lock,
 * and around it what needs other nodes: quorum reads and writes to the replicas, a condition's
 * catch-up read, the previous holder's copy while the key's range is arriving. {@link KeyService}
 * decides where a request is served and runs these steps when it is served here.
 */
@Component
public class KeyCoordinator {

    private final KeyValueStore store;
    private final KeyLocks locks;
    private final InboundTransfers inbound;
    private final PeerClient peers;
    private final HybridClock clock;
    private final Replicator replicator;
    private final Copies copies;
    private final NodeScheduler scheduler;

    public KeyCoordinator(KeyValueStore store, KeyLocks locks, InboundTransfers inbound, PeerClient peers,
                          HybridClock clock, Replicator replicator, Copies copies, NodeScheduler scheduler) {
        this.copies = copies;
        this.scheduler = scheduler;
        this.store = store;
        this.locks = locks;
        this.inbound = inbound;
        this.peers = peers;
        this.clock = clock;
        this.replicator = replicator;
    }

    /** A read's local part (under the ownership lock) and what follows it: the previous holder's copy if the range is arriving, the replicas. */
    Function<Serving, Finish> read(KeyRequest request) {
        Key key = request.key();
        int hops = request.hops();
        return serving -> {
            Supplier<Optional<Entry>> local = localCopy(key);
            if (!serving.forOwner()) {
                return () -> readForOwner(serving, request, local.get());
            }
            return () -> {
                Entry entry = live(newestOfQuorum(serving.owner().id(), request, local.get()))
                        .orElseThrow(() -> KeyFailure.notFound(serving.owner().id(), hops));
                return new KeyOutcome.Found(entry, serving.owner().id(), hops);
            };
        };
    }

    /**
     * A read a replica serves for the key's owner: the newer of its own copy and the owner's, the
     * owner's being in every write's quorum too. A newer copy of the owner's replaces this node's.
     * An owner that does not answer in its share of the time (hung, paused, cut off before anyone
     * marks it DOWN) is passed over: the read then takes a read quorum of the other replicas, which
     * meets every write's quorum as well. Should the owner no longer own the key, or too few
     * replicas answer, the read goes to the owner the usual way ({@link ServeElsewhere}).
     */
    private KeyOutcome readForOwner(Serving serving, KeyRequest request, Optional<Entry> local) {
        Optional<CopyAnswer> owners = replicator.askOwner(serving.owner(), request.key().value(), local, request.deadline());
        if (owners.isEmpty()) {
            return readPassingOver(serving, request, local);
        }
        CopyAnswer answer = owners.filter(copy -> copy.kind() != CopyAnswer.Kind.NOT_OWNED).orElseThrow(ServeElsewhere::new);
        Optional<Entry> newest = copies.newerOf(local, answer.copyGiven(local));
        RingPosition owner = serving.owner().id();
        Entry entry = live(newest).orElseThrow(() -> KeyFailure.notFound(owner, request.hops()));
        return new KeyOutcome.Found(entry, owner, request.hops());
    }

    /** A replica's read whose owner did not answer in time: this node's copy and those of a read quorum of the other replicas. */
    private KeyOutcome readPassingOver(Serving serving, KeyRequest request, Optional<Entry> local) {
        List<NodeRef> others = replicator.replicasOf(request.key().position()).stream()
                .filter(replica -> !replica.sameNodeAs(serving.owner()))
                .toList();
        Integer asked = request.options().readQuorum();
        int needed = Math.min((asked != null ? asked : replicator.readQuorum(others)) - 1, others.size());
        Replicator.Read read = replicator.newest(request.key().value(), local, others, needed, request.deadline());
        if (read.answered() < needed) {
            throw new ServeElsewhere();
        }
        RingPosition owner = serving.owner().id();
        Entry entry = live(read.newest()).orElseThrow(() -> KeyFailure.notFound(owner, request.hops()));
        return new KeyOutcome.Found(entry, owner, request.hops());
    }

    /** Keeps a copy of a write unless a newer version is held here; answers whether a value was here before it. */
    boolean storeCopyOverValue(Entry entry) {
        boolean hadValue = live(store.get(entry.key())).isPresent();
        copies.keepNewer(List.of(entry));
        return hadValue;
    }

    /**
     * This node's copy of a key, read under the ownership lock; the rest (the previous holder's copy
     * while the key's range is arriving here) once the lock is let go. While it arrives, the newer of
     * the two: a node back in place holds copies from before it went DOWN, which may be stale.
     */
    Supplier<Optional<Entry>> localCopy(Key key) {
        Optional<Entry> stored = store.get(key.value());
        Optional<Pending> pending = inbound.pendingFor(key.position());
        return () -> pending.isEmpty() ? stored : Entry.newer(stored, fromSource(key, pending));
    }

    /** A write's local part, given what was fetched for it before the locks, and the copies to the replicas after them. */
    WriteStep put(KeyRequest request) {
        Key key = request.key();
        int hops = request.hops();
        return (serving, source) -> {
            Written written = writeLocally(serving, request, source,
                    current -> Entry.expiring(key.value(), request.body(), request.contentType(), clock.stamp(serving.self().id()),
                            expiryOf(request)));
            if (written == null) {
                return null;
            }
            return () -> {
                Entry entry = written.entry();
                Replicator.Replication replication = requireQuorum(serving, request, entry);
                // a replica's own copy may trail the owner's, which is in every write's quorum
                boolean replaced = serving.forOwner() ? written.replaced() : replication.ownerReplaced();
                return new KeyOutcome.Stored(key, entry.version(), !replaced, serving.owner().id(), hops);
            };
        };
    }

    /** A delete's local part: a tombstone, if there is a value to delete; then its copies. */
    WriteStep delete(KeyRequest request) {
        Key key = request.key();
        int hops = request.hops();
        return (serving, source) -> {
            Written written = writeLocally(serving, request, source, current -> {
                if (live(current).isEmpty()) {
                    throw KeyFailure.notFound(serving.owner().id(), hops);
                }
                return Entry.tombstone(key.value(), clock.stamp(serving.self().id()));
            });
            if (written == null) {
                return null;
            }
            return () -> {
                requireQuorum(serving, request, written.entry());
                return new KeyOutcome.Deleted(serving.owner().id(), hops);
            };
        };
    }

    /**
     * Stores what {@code write} makes of the key's current value, under the key's lock and once the
     * request's conditions hold; null when the previous holder's copy fetched for it went stale
     * (a transfer of the key's range began or ended since). A replica serving the write for the owner
     * stores nothing yet: its copy follows the owner's ({@link #requireQuorum}), so that a write the
     * owner refuses is nowhere, not even where anti-entropy could take it from.
     */
    private Written writeLocally(Serving serving, KeyRequest request, SourceCopy source, Function<Optional<Entry>, Entry> write) {
        Key key = request.key();
        Optional<Pending> pending = inbound.pendingFor(key.position());
        if (source.isStaleFor(pending)) {
            return null;
        }
        return locks.withLock(key.value(), () -> {
            Optional<Entry> current = currentTouching(key, pending, source);
            requirePreconditions(request, current, serving.owner().id());
            Entry stamped = write.apply(current);
            if (serving.forOwner()) {
                copies.write(stamped);
            }
            return new Written(stamped, live(current).isPresent());
        });
    }

    /**
     * Before a write's locks, where it is served ({@code serving}; empty when it is forwarded): a
     * condition's catch-up, a delete's look for the value elsewhere when this node holds none, and
     * the previous holder's copy if the key's range is arriving here.
     */
    SourceCopy prepareWrite(KeyRequest request, Optional<RingPosition> serving) {
        Key key = request.key();
        if (serving.isEmpty()) {
            return SourceCopy.NONE; // forwarded: where it is served, it is prepared
        }
        Optional<Pending> pending = inbound.pendingFor(key.position());
        Optional<Entry> atSource = pending.filter(p -> !p.wasTouched(key.value()))
                .flatMap(p -> peers.fetch(p.source(), key.value()));
        Optional<Entry> local = Entry.newer(store.get(key.value()), atSource);
        boolean deletingWhatIsNotHere = request.method() == HttpMethod.DELETE && live(local).isEmpty();
        if (request.options().conditional() || deletingWhatIsNotHere) {
            // this node's copy may trail one a write through another replica (or before a failover) left on the others
            newestOfQuorum(serving.get(), request, local);
        }
        return new SourceCopy(pending, atSource);
    }

    /**
     * Copies the write to the replicas; unless enough confirm it in time ({@code ?w=}, else
     * {@code dht.write-quorum}), it is not acknowledged.
     */
    private Replicator.Replication requireQuorum(Serving serving, KeyRequest request, Entry entry) {
        List<NodeRef> replicas = replicator.replicasOf(request.key().position());
        Integer asked = request.options().writeQuorum();
        int needed = (asked != null ? asked : replicator.quorum(replicas)) - 1;
        NodeRef owner = serving.forOwner() ? null
                : replicas.stream().filter(replica -> replica.sameNodeAs(serving.owner())).findFirst().orElseThrow(ServeElsewhere::new);
        Replicator.Replication confirmed = replicator.replicate(entry, replicas, needed, owner, request.deadline());
        if (!confirmed.ownerConfirmed()) {
            // the owner did not take the write (gone, or no longer the owner): it goes to the owner the usual way
            throw new ServeElsewhere();
        }
        if (owner != null) {
            copies.keepNewer(List.of(entry));
        }
        if (confirmed.confirmed() < needed) {
            throw KeyFailure.noWriteQuorum(confirmed.confirmed() + 1, needed + 1, serving.owner().id(), request.hops());
        }
        return confirmed;
    }

    /**
     * The newest copy among this node's and those of the replicas asked ({@code ?r=}, else
     * {@code dht.read-quorum}, copies in all); fewer answers than that and the read fails.
     */
    private Optional<Entry> newestOfQuorum(RingPosition owner, KeyRequest request, Optional<Entry> local) {
        List<NodeRef> replicas = replicator.replicasOf(request.key().position());
        Integer asked = request.options().readQuorum();
        int needed = (asked != null ? asked : replicator.readQuorum(replicas)) - 1;
        Replicator.Read read = replicator.newest(request.key().value(), local, replicas, needed, request.deadline());
        if (read.answered() < needed) {
            throw KeyFailure.noReadQuorum(read.answered() + 1, needed + 1, owner, request.hops());
        }
        return read.newest();
    }

    private void requirePreconditions(KeyRequest request, Optional<Entry> current, RingPosition owner) {
        if (!Preconditions.hold(request.options(), current, scheduler.now())) {
            throw KeyFailure.preconditionFailed(live(current).map(Entry::version), owner, request.hops());
        }
    }

    /** The copy if it holds a value now: neither deleted nor expired. */
    private Optional<Entry> live(Optional<Entry> copy) {
        Instant now = scheduler.now();
        return copy.filter(entry -> entry.liveAt(now));
    }

    /**
     * When a write's value expires: its time to live from now, as this node's clock tells; never for a
     * write without one, so that a write without {@code ?ttl=} makes the key permanent again.
     */
    private Optional<Instant> expiryOf(KeyRequest request) {
        return Optional.ofNullable(request.options().ttlSeconds()).map(ttl -> Expiry.afterAtMost(scheduler.now(), ttl));
    }

    /**
     * The value this write replaces. While the key's range is still arriving that may be the
     * previous holder's copy (fetched before the locks); the key is then marked written, so that
     * the transfer leaves it alone.
     */
    private Optional<Entry> currentTouching(Key key, Optional<Pending> pending, SourceCopy source) {
        Optional<Entry> stored = store.get(key.value());
        if (pending.isEmpty()) {
            return stored;
        }
        Optional<Entry> atSource = pending.get().wasTouched(key.value()) ? Optional.empty() : source.copy();
        pending.get().touched(key.value());
        return Entry.newer(stored, atSource);
    }

    /**
     * The entry a read found missing here while this key's range is still arriving: the previous
     * holder's copy, looked up here once more afterwards in case the transfer delivered it meanwhile.
     */
    private Optional<Entry> fromSource(Key key, Optional<Pending> pending) {
        if (pending.isEmpty() || pending.get().wasTouched(key.value())) {
            return Optional.empty();
        }
        return peers.fetch(pending.get().source(), key.value()).or(() -> store.get(key.value()));
    }

    /** The part of a local request that runs after the ownership lock is let go. */
    @FunctionalInterface
    interface Finish {
        KeyOutcome complete();
    }

    /** The local part of a write, under the ownership lock, given what was fetched for it before. */
    @FunctionalInterface
    interface WriteStep {
        Finish apply(Serving serving, SourceCopy source);
    }

    /** Where a request is served: this node, for the key's owner (itself, or the owner whose replica this node holds). */
    record Serving(NodeRef self, NodeRef owner) {

        boolean forOwner() {
            return owner.sameNodeAs(self);
        }
    }

    /** A replica could not serve a read for the owner: it goes on to the owner as any request does. */
    static final class ServeElsewhere extends RuntimeException {

        ServeElsewhere() {
            super(null, null, false, false);
        }
    }

    /** The previous holder's copy of a key, fetched before a write's locks, for the transfer that was pending then. */
    record SourceCopy(Optional<Pending> pending, Optional<Entry> copy) {

        static final SourceCopy NONE = new SourceCopy(Optional.empty(), Optional.empty());

        /** Whether a transfer began or ended since: the copy is not the one the write needs. */
        boolean isStaleFor(Optional<Pending> now) {
            return pending.orElse(null) != now.orElse(null);
        }
    }

    private record Written(Entry entry, boolean replaced) {
    }
}
