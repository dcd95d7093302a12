package dht.node.watch;

import dht.core.HybridClock;
import dht.core.NodeRef;
import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.ChangePage;
import dht.core.wire.ChangeQuery;
import dht.node.config.NodeProperties;
import dht.node.membership.LocalNode;
import dht.node.membership.RingView;
import dht.node.peer.KeyFailure;
import dht.node.peer.PeerClient;
import dht.node.time.NodeScheduler;
import dht.node.web.EventStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The watches on keys this node serves. Each reads the change log of every member of the ring
 * (this node's own directly), one long-polling reader per member, and follows the ring: a node that
 * joins is read from the start of its log, one that left is let go. What the readers bring is
 * merged by the watch's {@link KeyWatch}, and what it lets out goes to the client's stream.
 * <p>
 * A new watch starts each member's log at its end, read before the client gets its first line, so
 * that every write the client makes after that is seen. A resumed one ({@code Last-Event-ID}, the
 * version of the last event the client had) reads every log from {@code dht.watch.resume-slack}
 * before that version's time: the event IDs are versions rather than positions in some log because
 * a client may resume on any node, and the versions are the one order all nodes share. The slack
 * covers changes applied a little after others with later versions, so a resumed watch may send a
 * few changes again (at least once on resume, each key in version order); should any member's log
 * no longer reach back that far, the watch sends {@code reset} first.
 */
@Service
public class KeyWatches {

    private static final Logger log = LoggerFactory.getLogger(KeyWatches.class);
    private static final Duration MEMBERS_EVERY = Duration.ofSeconds(1);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    private final ChangeLog changes;
    private final LocalNode node;
    private final RingView ringView;
    private final PeerClient peers;
    private final NodeScheduler scheduler;
    private final WatchProperties properties;
    private final NodeProperties nodeProperties;
    private final EventStreams<WatchEvent> streams;

    KeyWatches(ChangeLog changes, LocalNode node, RingView ringView, PeerClient peers, NodeScheduler scheduler,
               WatchProperties properties, NodeProperties nodeProperties, EventStreams<WatchEvent> streams) {
        this.changes = changes;
        this.node = node;
        this.ringView = ringView;
        this.peers = peers;
        this.scheduler = scheduler;
        this.properties = properties;
        this.nodeProperties = nodeProperties;
        this.streams = streams;
    }

    /**
     * Opens a watch on the keys under {@code prefix}, resumed after the event {@code lastEventId} when
     * given, lasting {@code lifetime} at most.
     */
    SseEmitter open(String prefix, Optional<Version> lastEventId, Duration lifetime) throws IOException {
        RingPosition self = node.self().map(NodeRef::id).orElse(null);
        if (!node.state().servesClients() || self == null) {
            throw KeyFailure.notInRing(node.state().name(), self, 0);
        }
        long startMillis = lastEventId.map(version -> HybridClock.wallMillisOf(version.timestamp()))
                .orElseGet(() -> scheduler.now().toEpochMilli());
        long floor = HybridClock.readingAt(Math.max(0, startMillis - properties.resumeSlack().toMillis()));
        KeyWatch merged = new KeyWatch(prefix, floor, properties.reorderWindow(), properties.seenKeys(), properties.buffer(), scheduler);
        Watch watch = new Watch(prefix, merged);
        Map<NodeRef, ChangeQuery> starts = new HashMap<>();
        if (lastEventId.isPresent()) {
            members().forEach(member -> starts.put(member, ChangeQuery.since(prefix, floor)));
        } else {
            starts.putAll(logEnds(prefix, floor));
        }
        EventStreams<WatchEvent>.Stream stream = streams.open(lifetime, SseEmitter.event().comment("watching"), watch::close);
        watch.stream = stream;
        starts.forEach(watch::read);
        Thread.ofVirtual().name("key-watch").start(watch::drive);
        return stream.emitter();
    }

    /** Where each member's log ends now, asked of all at once; a member that does not answer is read from {@code floor}. */
    private Map<NodeRef, ChangeQuery> logEnds(String prefix, long floor) {
        Map<NodeRef, CompletableFuture<ChangeQuery>> asked = new HashMap<>();
        for (NodeRef member : members()) {
            asked.put(member, CompletableFuture.supplyAsync(() -> {
                try {
                    return ChangeQuery.fromEnd(prefix).after(page(member, ChangeQuery.fromEnd(prefix), Duration.ZERO));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ChangeQuery.since(prefix, floor);
                }
            }, scheduler.fanOut()));
        }
        Map<NodeRef, ChangeQuery> ends = new HashMap<>();
        asked.forEach((member, end) -> {
            try {
                ends.put(member, end.get(nodeProperties.requestTimeout().toMillis(), TimeUnit.MILLISECONDS));
            } catch (Exception unanswered) {
                ends.put(member, ChangeQuery.since(prefix, floor));
            }
        });
        return ends;
    }

    /** How long a member holds a read: well within the read timeout, so that a quiet member is not taken for a slow one. */
    private Duration pollWait() {
        Duration half = nodeProperties.requestTimeout().dividedBy(2);
        return properties.pollWait().compareTo(half) < 0 ? properties.pollWait() : half;
    }

    private List<NodeRef> members() {
        return ringView.ring().nodes();
    }

    private ChangePage page(NodeRef member, ChangeQuery query, Duration wait) throws InterruptedException {
        boolean self = node.self().map(me -> me.sameNodeAs(member)).orElse(false);
        return self ? changes.read(query, wait) : peers.changes(member, query, wait);
    }

    /** One client's watch: a reader per member, and the thread that hands what is due to the client's stream. */
    private final class Watch {

        private final String prefix;
        private final KeyWatch merged;
        private final Map<RingPosition, Reader> readers = new ConcurrentHashMap<>();
        private volatile EventStreams<WatchEvent>.Stream stream;
        private volatile boolean open = true;

        Watch(String prefix, KeyWatch merged) {
            this.prefix = prefix;
            this.merged = merged;
        }

        void read(NodeRef member, ChangeQuery from) {
            Reader reader = new Reader(member);
            if (readers.putIfAbsent(member.id(), reader) == null) {
                Thread.ofVirtual().name("key-watch-reader").start(() -> reader.follow(from));
            }
        }

        /** Hands what is due to the stream, every half reorder window, and follows the ring's members. */
        void drive() {
            Duration tick = properties.reorderWindow().dividedBy(2);
            tick = tick.compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10) : tick;
            long ticksPerMembership = Math.max(1, MEMBERS_EVERY.toNanos() / tick.toNanos());
            try {
                for (long ticks = 1; open; ticks++) {
                    scheduler.pause(tick);
                    merged.due().forEach(stream::offer);
                    if (ticks % ticksPerMembership == 0) {
                        followMembers();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void followMembers() {
            List<NodeRef> members = members();
            members.forEach(member -> {
                if (!readers.containsKey(member.id())) {
                    read(member, ChangeQuery.fromStart(prefix));
                }
            });
            readers.keySet().removeIf(id -> members.stream().noneMatch(member -> member.id().equals(id)));
        }

        void close() {
            open = false;
            readers.clear();
        }

        /** Long-polls one member's change log while the member is in the ring and the watch open. */
        private final class Reader {

            private final NodeRef member;

            Reader(NodeRef member) {
                this.member = member;
            }

            void follow(ChangeQuery from) {
                ChangeQuery query = from;
                while (open && readers.get(member.id()) == this) {
                    try {
                        ChangePage page = page(member, query, pollWait());
                        if (page.reset()) {
                            merged.missed();
                        }
                        page.changes().forEach(merged::offer);
                        query = query.after(page);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (RuntimeException unanswered) {
                        log.debug("a watch could not read the changes of {}: {}", member.address(), unanswered.getMessage());
                        try {
                            scheduler.pause(RETRY_PAUSE);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                }
            }
        }
    }
}
