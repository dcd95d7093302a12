package dht.node.hints;

import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.wire.Entry;
import dht.core.wire.HintsHandedOver;
import dht.core.wire.Member;
import dht.core.wire.MemberState;
import dht.core.wire.RingListing;
import dht.node.config.NodeProperties;
import dht.node.membership.LocalNode;
import dht.node.membership.MissedWrites;
import dht.node.membership.RingView;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;
import dht.node.peer.RegistryClient;
import dht.node.storage.Copies;
import dht.node.telemetry.DhtMetrics;
import dht.node.telemetry.RingEvent;
import dht.node.time.NodeScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps the writes a replica missed and hands them to it once it is up again: at once when this
 * node hears it is back ({@code node-up}), and every {@code dht.hints.delivery-interval} otherwise.
 * Hints for a replica that is no longer a member (removed, or it left) go to the key's replicas now,
 * so that a write acknowledged with a hint's help is not lost with its replica. Hints older than
 * {@link NodeProperties#hintMaxAge()} are dropped.
 */
@Component
public class HintedHandoff implements MissedWrites {

    private static final Logger log = LoggerFactory.getLogger(HintedHandoff.class);

    /** Hints per call to a replica. */
    static final int BATCH = 500;

    private final HintStore hints;
    private final RingView ringView;
    private final PeerClient peers;
    private final RegistryClient registry;
    private final Copies copies;
    private final NodeProperties properties;
    private final NodeScheduler scheduler;
    private final DhtMetrics metrics;
    private final LocalNode node;
    private final Set<String> delivering = new HashSet<>();

    public HintedHandoff(HintStore hints, LocalNode node, RingView ringView, PeerClient peers, RegistryClient registry,
                         Copies copies, NodeProperties properties, NodeScheduler scheduler, DhtMetrics metrics) {
        this.hints = hints;
        this.registry = registry;
        this.node = node;
        this.ringView = ringView;
        this.peers = peers;
        this.copies = copies;
        this.properties = properties;
        this.scheduler = scheduler;
        this.metrics = metrics;
        metrics.watchHints(hints::pending, hints::bytes);
        scheduler.runEvery(properties.hints().deliveryInterval(), "hinted-handoff", this::deliverAll);
    }

    /** Keeps {@code entry} for {@code target}, which did not take it; answers whether it is kept. */
    public boolean keep(String target, Entry entry) {
        HintStore.Added added;
        try {
            added = hints.add(target, entry, scheduler.now());
        } catch (IllegalStateException e) {
            log.warn("could not keep a hint for {}: {}", target, e.getMessage());
            return false;
        }
        switch (added) {
            case STORED -> metrics.hintStored();
            case FULL -> {
                metrics.hintsDropped("full", 1);
                log.debug("hint store full ({} bytes): a write for {} dropped", hints.bytes(), target);
            }
            case NEWER_HELD -> {
            }
        }
        return added != HintStore.Added.FULL;
    }

    /** A replica is back: its hints go now, not at the next round. */
    @EventListener
    public void onRingEvent(RingEvent event) {
        if ("node-up".equals(event.type()) && event.node() != null && hints.pendingFor(event.node().address()) > 0) {
            scheduler.runAfter(Duration.ZERO, "hints to " + event.node().address(), () -> deliver(event.node().address()));
        }
    }

    /** One round: drops what is too old, then hands every replica that is up its hints. */
    public void deliverAll() {
        try {
            dropExpired();
            // one look at the registry per round, and only if some replica is neither up nor DOWN here
            Supplier<Optional<RingListing>> listing = SingletonSupplier.of(this::registryListing);
            hints.targets().forEach(target -> deliver(target, listing));
        } catch (IllegalStateException stopped) {
            log.debug("no hints delivered: {}", stopped.getMessage());
        }
    }

    /** Drops the hints kept longer than {@link NodeProperties#hintMaxAge()}: none is ever handed over later than that. */
    private void dropExpired() {
        long expired = hints.dropKeptBefore(scheduler.now().minus(properties.hintMaxAge()));
        if (expired > 0) {
            metrics.hintsDropped("expired", expired);
            log.warn("dropped {} hints kept longer than {}; anti-entropy brings their replicas up to date", expired,
                    properties.hintMaxAge());
        }
    }

    /**
     * Hands {@code target} its hints, a batch at a time, while it is up or joining back; if it is no
     * longer a member, hands them to the keys' replicas now. A DOWN one waits, and so does one the
     * registry cannot be asked about.
     */
    public void deliver(String target) {
        deliver(target, this::registryListing);
    }

    private void deliver(String target, Supplier<Optional<RingListing>> registryListing) {
        Optional<NodeRef> up = member(ringView.ring().nodes(), target);
        if (up.isPresent()) {
            whileNotDelivering(target, () -> handTo(up.get(), target));
            return;
        }
        if (member(ringView.down().nodes(), target).isPresent()) {
            return;
        }
        // neither up nor DOWN here: joining (back in place), or gone; only the registry knows which
        Optional<RingListing> listing = registryListing.get();
        if (listing.isEmpty()) {
            return;
        }
        Optional<Member> listed = listing.get().nodes().stream().filter(member -> member.address().equals(target)).findFirst();
        if (listed.isEmpty()) {
            whileNotDelivering(target, () -> handToReplicasNow(target));
        } else if (listed.get().state() != MemberState.DOWN) {
            whileNotDelivering(target, () -> handTo(listed.get().ref(), target));
        }
    }

    private Optional<RingListing> registryListing() {
        try {
            return Optional.of(registry.ring());
        } catch (PeerFailure e) {
            log.debug("hints wait: the registry's ring could not be read ({})", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Hands {@code replica} its hints now, whatever this node last heard of it: it asks, back in place
     * and before it compares its ranges with the others, so that what the hints bring need not be pulled.
     */
    public HintsHandedOver handOver(NodeRef replica) {
        dropExpired();
        long handed = whileNotDelivering(replica.address(), () -> handTo(replica, replica.address()));
        return new HintsHandedOver(handed, hints.pendingFor(replica.address()));
    }

    /**
     * Asks each of {@code members} for the hints it keeps for {@code self}, side by side, each call
     * bounded by {@code dht.request-timeout}; one that fails leaves its hints for its next round.
     * Answers how many were handed over.
     */
    @Override
    public long collect(NodeRef self, List<NodeRef> members) {
        Map<String, NodeRef> holders = new LinkedHashMap<>();
        members.stream().filter(member -> !member.sameNodeAs(self)).forEach(member -> holders.putIfAbsent(member.address(), member));
        List<CompletableFuture<Long>> asked = holders.values().stream()
                .map(holder -> CompletableFuture.supplyAsync(() -> {
                    try {
                        return peers.handOverHints(holder, self).handed();
                    } catch (PeerFailure e) {
                        log.info("{} did not hand over its hints for {} ({}); they follow in its next round", holder, self,
                                e.getMessage());
                        return 0L;
                    }
                }, scheduler.fanOut()))
                .toList();
        long handed = asked.stream().mapToLong(CompletableFuture::join).sum();
        log.info("{} is back: {} hints handed to it by {} nodes", self, handed, holders.size());
        return handed;
    }

    /** Runs {@code delivery} unless a delivery to {@code target} runs already; answers how many hints it handed over. */
    private long whileNotDelivering(String target, LongSupplier delivery) {
        synchronized (delivering) {
            if (!delivering.add(target)) {
                return 0;
            }
        }
        try {
            return delivery.getAsLong();
        } finally {
            synchronized (delivering) {
                delivering.remove(target);
            }
        }
    }

    private long handTo(NodeRef replica, String target) {
        long handed = 0;
        List<HintStore.Hint> batch;
        while (!(batch = hints.next(target, BATCH)).isEmpty()) {
            try {
                peers.replicate(replica, batch.stream().map(HintStore.Hint::entry).toList());
            } catch (PeerFailure e) {
                log.warn("could not hand {} hints to {} ({}); {} hints wait", batch.size(), target, e.getMessage(),
                        hints.pendingFor(target));
                break;
            }
            hints.delivered(target, batch);
            metrics.hintsDelivered(batch.size());
            handed += batch.size();
        }
        if (handed > 0) {
            log.info("handed {} hints to {}; {} wait", handed, replica, hints.pendingFor(target));
        }
        return handed;
    }

    /** The replica is gone: each hint goes to the key's replicas as they are now, this node's own copy included. */
    private long handToReplicasNow(String target) {
        Neighborhood self = node.neighborhood().orElse(null);
        if (self == null) {
            return 0;
        }
        Ring placement = ringView.placementWith(self);
        long handed = 0;
        List<HintStore.Hint> batch;
        while (!(batch = hints.next(target, BATCH)).isEmpty()) {
            Map<String, NodeRef> replicas = new LinkedHashMap<>();
            Map<String, List<Entry>> byReplica = new LinkedHashMap<>();
            List<Entry> keptHere = new ArrayList<>();
            for (HintStore.Hint hint : batch) {
                for (NodeRef replica : placement.replicasOf(hint.entry().position(), properties.replicationFactor())) {
                    if (replica.sameNodeAs(self.node())) {
                        keptHere.add(hint.entry());
                    } else {
                        replicas.putIfAbsent(replica.address(), replica);
                        byReplica.computeIfAbsent(replica.address(), address -> new ArrayList<>()).add(hint.entry());
                    }
                }
            }
            try {
                byReplica.forEach((address, entries) -> peers.replicate(replicas.get(address), entries));
            } catch (PeerFailure e) {
                log.warn("could not hand the hints of {}, which is no longer a member, to the keys' replicas ({}); {} wait", target,
                        e.getMessage(), hints.pendingFor(target));
                break;
            }
            copies.keepNewer(keptHere);
            hints.delivered(target, batch);
            metrics.hintsDelivered(batch.size());
            handed += batch.size();
        }
        if (handed > 0) {
            log.info("{} is no longer a member: handed its {} hints to the keys' replicas", target, handed);
        }
        return handed;
    }

    private static Optional<NodeRef> member(List<NodeRef> nodes, String address) {
        return nodes.stream().filter(node -> node.address().equals(address)).findFirst();
    }

}
