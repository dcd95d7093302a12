package dht.node.transfer;

import dht.core.KeyRange;
import dht.core.NodeRef;
import dht.core.wire.DigestRequest;
import dht.core.wire.Entry;
import dht.core.wire.RangeDigest;
import dht.core.wire.StoreCursor;
import dht.core.wire.TransferPage;
import dht.core.wire.TransferRequest;
import dht.node.config.NodeProperties;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;
import dht.node.peer.Refusal;
import dht.node.storage.Copies;
import dht.node.storage.KeyValueStore;
import dht.node.telemetry.DhtMetrics;
import dht.node.telemetry.RingEvent;
import dht.node.time.NodeScheduler;
import dht.node.transfer.InboundTransfers.Pending;
import dht.node.transfer.OutboundHandoffs.Handoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Moves a key range between nodes. The receiver pulls it page by page; each round first confirms
 * what the receiver has stored, and only that is deleted at the source, so a transfer that breaks
 * off loses nothing. A key a client wrote or deleted at the receiver meanwhile is not overwritten
 * by its older transferred copy.
 */
@Service
public class TransferService {

    private static final Logger log = LoggerFactory.getLogger(TransferService.class);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final KeyValueStore store;
    private final Copies copies;
    private final OutboundHandoffs outbound;
    private final PeerClient peers;
    private final NodeProperties properties;
    private final DhtMetrics metrics;
    private final ApplicationEventPublisher events;
    private final NodeScheduler scheduler;

    public TransferService(KeyValueStore store, Copies copies, OutboundHandoffs outbound, PeerClient peers,
                           NodeProperties properties, DhtMetrics metrics, ApplicationEventPublisher events,
                           NodeScheduler scheduler) {
        this.scheduler = scheduler;
        this.events = events;
        this.store = store;
        this.copies = copies;
        this.outbound = outbound;
        this.peers = peers;
        this.properties = properties;
        this.metrics = metrics;
    }

    /**
     * Pulls {@code pending}'s range from its source until the source has no more, resuming after a
     * failed round until {@code dht.leave-timeout} passes without progress. Answers the keys
     * received; throws the source's refusal if it no longer hands the range over.
     */
    public long pull(NodeRef self, Pending pending) {
        return pullWhole(self, pending);
    }

    /**
     * As {@link #pull}, for a node back in place at its positions, which holds the range from before
     * it went away: only what differs moves ({@link #pullDiffering}), unless the source does not keep
     * its copies.
     */
    public long pullBack(NodeRef self, Pending pending) {
        return pullDiffering(self, pending).orElseGet(() -> pullWhole(self, pending));
    }

    /**
     * For a node back in place, which holds the range from before it went away: only the arcs whose
     * digests differ from the source's are pulled (the source's newer copies win, the keys clients
     * wrote here meanwhile stay), and the source keeps every copy, being one of the range's replicas.
     * Empty if the source does not keep its copies of the range (it would delete what it handed over,
     * and only a whole pull confirms every key): then the range is pulled whole.
     */
    private Optional<Long> pullDiffering(NodeRef self, Pending pending) {
        KeyRange range = pending.range();
        NodeRef source = pending.source();
        DigestRequest request = DigestRequest.of(range);
        List<KeyRange> differing = digest(request).differingArcs(peers.digest(source, request));
        log.info("{} back in place: {} of {} arcs of {} differ from {}", self, differing.size(), request.parts(), range, source);
        events.publishEvent(RingEvent.transfer("transfer-started", self, source, range, 0));
        long received = 0;
        for (KeyRange arc : differing) {
            StoreCursor after = null;
            while (true) {
                TransferPage page = peers.readRange(source, new TransferRequest(arc, after, null, properties.transferBatchSize()));
                store(pending, page.entries());
                received += page.entries().size();
                metrics.transferredIn(page.entries().size());
                if (page.last() || page.entries().isEmpty()) {
                    break;
                }
                after = page.entries().getLast().cursor();
            }
        }
        try {
            peers.completeTransfer(source, new TransferRequest(range, null, null, 0));
        } catch (PeerFailure e) {
            if (abandoned(e)) {
                log.info("{} does not keep its copies of {} ({}); pulling it whole", source, range, e.getMessage());
                return Optional.empty();
            }
            throw e;
        }
        log.info("synced {} with {}: {} keys differed", range, source, received);
        events.publishEvent(RingEvent.transfer("transfer-finished", self, source, range, received));
        return Optional.of(received);
    }

    private long pullWhole(NodeRef self, Pending pending) {
        KeyRange range = pending.range();
        NodeRef source = pending.source();
        log.info("pulling {} from {}", range, source);
        events.publishEvent(RingEvent.transfer("transfer-started", self, source, range, 0));
        StoreCursor after = null;
        long received = 0;
        Instant lastProgress = scheduler.now();
        Instant lastLog = lastProgress;
        while (true) {
            TransferPage page;
            try {
                page = peers.pull(source, new TransferRequest(range, after, after, properties.transferBatchSize()));
                store(pending, page.entries());
            } catch (PeerFailure e) {
                if (abandoned(e)) {
                    log.error("{} no longer hands over {} ({}); stopped after {} keys", source, range,
                            e.getMessage(), received);
                    throw e;
                }
                if (Duration.between(lastProgress, scheduler.now()).compareTo(properties.leaveTimeout()) > 0) {
                    log.error("giving up pulling {} from {} after {} keys: {}", range, source, received, e.getMessage());
                    return received;
                }
                log.warn("pulling {} from {} failed ({}); resuming in {}", range, source, e.getMessage(),
                        properties.retryInterval());
                pause(properties.retryInterval());
                continue;
            }
            if (!page.entries().isEmpty()) {
                after = page.entries().getLast().cursor();
                received += page.entries().size();
                metrics.transferredIn(page.entries().size());
                lastProgress = scheduler.now();
            }
            if (Duration.between(lastLog, scheduler.now()).compareTo(PROGRESS_EVERY) > 0) {
                log.info("pulling {} from {}: {} keys so far", range, source, received);
                events.publishEvent(RingEvent.transfer("transfer-progress", self, source, range, received));
                lastLog = scheduler.now();
            }
            if (page.last()) {
                break;
            }
        }
        confirmLast(source, range, after);
        log.info("pulled {} from {}: {} keys", range, source, received);
        events.publishEvent(RingEvent.transfer("transfer-finished", self, source, range, received));
        return received;
    }

    /**
     * Stores a page in one write, except the keys clients wrote here meanwhile. A source that sends
     * keys outside the range being pulled is wrong about the ring: none of its page is taken.
     */
    private void store(Pending pending, List<Entry> entries) {
        List<Entry> outside = entries.stream().filter(entry -> !pending.range().contains(entry.cursor().position())).toList();
        if (!outside.isEmpty()) {
            throw PeerFailure.refused(pending.source(), PeerFailure.Reason.FAILED, outside.size() + " keys outside "
                    + pending.range() + ", such as '" + outside.getFirst().key() + "'");
        }
        copies.keepNewer(entries, key -> !pending.wasTouched(key));
    }

    private void confirmLast(NodeRef source, KeyRange range, StoreCursor through) {
        Instant deadline = scheduler.now().plus(properties.leaveTimeout());
        while (true) {
            try {
                peers.completeTransfer(source, new TransferRequest(range, null, through, 0));
                return;
            } catch (PeerFailure e) {
                if (abandoned(e)) {
                    log.error("{} refused the end of {}: {}", source, range, e.getMessage());
                    throw e;
                }
                if (scheduler.now().isAfter(deadline)) {
                    log.error("could not confirm the end of {} to {}: {}", range, source, e.getMessage());
                    return;
                }
                log.warn("confirming the end of {} to {} failed ({}); trying again in {}", range, source,
                        e.getMessage(), properties.retryInterval());
                pause(properties.retryInterval());
            }
        }
    }

    /**
     * The source answers that it does not hand this range over (any more): it took the range back,
     * having declared this node dead, or holds keys of it this node was never sent. Asking again
     * cannot help; the receiver must start over.
     */
    private static boolean abandoned(PeerFailure e) {
        return e.isRefusal(PeerFailure.Reason.CONFLICT);
    }

    /** The source's side of a round: delete what the receiver confirmed, then send the next page. */
    public TransferPage page(TransferRequest request) {
        Handoff handoff = handoff(request.range());
        if (request.confirmedThrough() != null) {
            handoff.removeConfirmed(store, request.confirmedThrough());
        }
        TransferPage page = read(request);
        handoff.keysSent().addAndGet(page.entries().size());
        metrics.transferredOut(page.entries().size());
        return page;
    }

    /** The digest of what this node holds of a range, read page by page. */
    public RangeDigest digest(DigestRequest request) {
        RangeDigest.Builder digest = new RangeDigest.Builder(request.range(), request.parts());
        store.forEachPage(request.range(), properties.transferBatchSize(), page -> page.forEach(digest::add));
        return digest.build();
    }

    /**
     * A page of what this node holds of a range, bounded by {@code dht.transfer-batch-size} and
     * {@code dht.transfer-batch-bytes} (at least one entry); deletes nothing.
     */
    public TransferPage read(TransferRequest request) {
        int limit = Math.max(1, Math.min(request.limit(), properties.transferBatchSize()));
        List<Entry> scanned = store.scan(request.range(), request.after(), limit + 1);
        List<Entry> page = new ArrayList<>(Math.min(scanned.size(), limit));
        long bytes = 0;
        for (Entry entry : scanned) {
            if (page.size() == limit || (!page.isEmpty() && bytes + entry.value().length > properties.transferBatchBytes().toBytes())) {
                break;
            }
            page.add(entry);
            bytes += entry.value().length;
        }
        return new TransferPage(page, page.size() == scanned.size());
    }

    /** The receiver has stored everything: delete what it confirmed (unless this node keeps its copies) and end the handoff. */
    public void complete(TransferRequest request) {
        if (outbound.finishedLately(request.range())) {
            return; // the recipient confirms again: the answer to its first confirmation was lost
        }
        Handoff handoff = handoff(request.range());
        long left = handoff.removeAllConfirmed(store, request.confirmedThrough());
        if (left > 0) {
            throw conflict("Transfer of " + request.range() + " is not complete: " + left + " keys were not confirmed.");
        }
        outbound.finish(handoff);
        log.info("handed {} to {}: {} keys", handoff.range(), handoff.recipient(), handoff.keysSent().get());
    }

    /** One entry as stored here, for a receiver whose range is still arriving. */
    public Optional<Entry> read(String key) {
        return store.get(key);
    }

    private Handoff handoff(KeyRange range) {
        return outbound.of(range).orElseThrow(() -> conflict("This node is not handing over " + range + "."));
    }

    private static Refusal conflict(String detail) {
        return Refusal.conflict("No such transfer", detail);
    }

    private void pause(Duration interval) {
        try {
            scheduler.pause(interval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to resume a transfer", e);
        }
    }
}
