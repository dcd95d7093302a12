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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The watches on keys this node serves. They share one reader per member of the ring, which
 * long-polls the member's change log (this node's own directly) while any watch is open and hands
 * every change to every watch; a watch keeps what is under its prefix. The readers follow the ring:
 * a node that joins is read from the start of its log, one that left is let go. So a node holds one
 * read of each other member's log open however many watches it serves, and each member answers one
 * per watching node. What the readers bring is merged by each watch's {@link KeyWatch}, and what it
 * lets out goes to the client's stream.
 * <p>
 * When the readers start, each member's log is read from its end, asked before the client gets its
 * first line; a later watch joins them as they are. Either way every write the client makes after
 * its first line is seen. A resumed watch ({@code Last-Event-ID}, the version of the last event the
 * client had) also reads every log from {@code dht.watch.resume-slack} before that version's time
 * up to its end, on its own: the event IDs are versions rather than positions in some log because a
 * client may resume on any node, and the versions are the one order all nodes share. The slack
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
    private final Set<Watch> watching = ConcurrentHashMap.newKeySet();
    /** The readers of the members' logs, by member; none while no watch is open. Changed under this object's lock. */
    private final Map<RingPosition, Reader> readers = new ConcurrentHashMap<>();
    /** Counts the times the readers started, so that the follower of an earlier start's members ends. */
    private long starts;

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
        Watch watch = new Watch(new KeyWatch(prefix, floor, properties.reorderWindow(), properties.seenKeys(), properties.buffer(), scheduler));
        join(watch);
        EventStreams<WatchEvent>.Stream stream;
        try {
            stream = streams.open(lifetime, SseEmitter.event().comment("watching"), () -> leave(watch));
        } catch (IOException | RuntimeException refused) {
            leave(watch);
            throw refused;
        }
        watch.stream = stream;
        if (lastEventId.isPresent()) {
            members().forEach(member -> Thread.ofVirtual().name("key-watch-resume")
                    .start(() -> catchUp(watch, member, ChangeQuery.since(prefix, floor))));
        }
        Thread.ofVirtual().name("key-watch").start(watch::drive);
        return stream.emitter();
    }

    /** Has the readers hand their changes to the watch from now on; starts them at the members' log ends if none run. */
    private synchronized void join(Watch watch) {
        if (readers.isEmpty()) {
            logEnds().forEach(this::read);
            long start = ++starts;
            Thread.ofVirtual().name("key-watch-members").start(() -> followMembers(start));
        }
        watching.add(watch);
    }

    /** Lets the watch go; the last one to go stops the readers. */
    private synchronized void leave(Watch watch) {
        watch.open = false;
        watching.remove(watch);
        if (watching.isEmpty()) {
            readers.clear();
        }
    }

    /** Where each member's log ends now, asked of all at once; a member that does not answer is read from the start of its log. */
    private Map<NodeRef, ChangeQuery> logEnds() {
        Map<NodeRef, CompletableFuture<ChangeQuery>> asked = new HashMap<>();
        for (NodeRef member : members()) {
            asked.put(member, CompletableFuture.supplyAsync(() -> {
                try {
                    return ChangeQuery.fromEnd("").after(page(member, ChangeQuery.fromEnd(""), Duration.ZERO));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ChangeQuery.fromStart("");
                }
            }, scheduler.fanOut()));
        }
        Map<NodeRef, ChangeQuery> ends = new HashMap<>();
        asked.forEach((member, end) -> {
            try {
                ends.put(member, end.get(nodeProperties.requestTimeout().toMillis(), TimeUnit.MILLISECONDS));
            } catch (Exception unanswered) {
                ends.put(member, ChangeQuery.fromStart(""));
            }
        });
        return ends;
    }

    private void read(NodeRef member, ChangeQuery from) {
        Reader reader = new Reader(member);
        if (readers.putIfAbsent(member.id(), reader) == null) {
            Thread.ofVirtual().name("key-watch-reader").start(() -> reader.follow(from));
        }
    }

    /** While readers run: a reader for each node that joined, from the start of its log; none for one that left. */
    private void followMembers(long start) {
        try {
            while (true) {
                scheduler.pause(MEMBERS_EVERY);
                synchronized (this) {
                    if (readers.isEmpty() || starts != start) {
                        return;
                    }
                    List<NodeRef> members = members();
                    members.forEach(member -> {
                        if (!readers.containsKey(member.id())) {
                            read(member, ChangeQuery.fromStart(""));
                        }
                    });
                    readers.keySet().removeIf(id -> members.stream().noneMatch(member -> member.id().equals(id)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A resumed watch's own read of one member's log, from where it resumes up to the log's end: the
     * shared reader took over from somewhere before that end when the watch joined it.
     */
    private void catchUp(Watch watch, NodeRef member, ChangeQuery from) {
        readLog(member, from, Duration.ZERO, List.of(watch), () -> watch.open && ringView.ring().node(member.id()).isPresent());
    }

    /**
     * Reads a member's log from {@code from}, page by page while {@code goOn} holds, and hands each
     * page's changes, and its reset, to the watches {@code to}. A read that waits for changes goes on
     * after the log's end; one that does not ({@code wait} zero) stops there.
     */
    private void readLog(NodeRef member, ChangeQuery from, Duration wait, Iterable<Watch> to, BooleanSupplier goOn) {
        ChangeQuery query = from;
        while (goOn.getAsBoolean()) {
            try {
                ChangePage page = page(member, query, wait);
                for (Watch watch : to) {
                    if (page.reset()) {
                        watch.merged.missed();
                    }
                    page.changes().forEach(watch.merged::offer);
                }
                if (wait.isZero() && page.changes().size() < ChangeLog.PAGE) {
                    return;
                }
                query = query.after(page);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException unanswered) {
                if (!pausedAfter(member, unanswered)) {
                    return;
                }
            }
        }
    }

    /** Logs a member's failure to answer and waits before the next try; false when interrupted meanwhile. */
    private boolean pausedAfter(NodeRef member, RuntimeException unanswered) {
        log.debug("a watch could not read the changes of {}: {}", member.address(), unanswered.getMessage());
        try {
            scheduler.pause(RETRY_PAUSE);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
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

    /** Long-polls one member's change log for every watch, while the member is in the ring and a watch is open. */
    private final class Reader {

        private final NodeRef member;

        Reader(NodeRef member) {
            this.member = member;
        }

        void follow(ChangeQuery from) {
            readLog(member, from, pollWait(), watching, () -> readers.get(member.id()) == this);
        }
    }

    /** One client's watch: what the readers brought, merged, and the thread that hands what is due to the client's stream. */
    private final class Watch {

        private final KeyWatch merged;
        private volatile EventStreams<WatchEvent>.Stream stream;
        private volatile boolean open = true;

        Watch(KeyWatch merged) {
            this.merged = merged;
        }

        /** Hands what is due to the stream, every half reorder window, until the watch ends. */
        void drive() {
            Duration tick = properties.reorderWindow().dividedBy(2);
            tick = tick.compareTo(Duration.ofMillis(10)) < 0 ? Duration.ofMillis(10) : tick;
            try {
                while (open) {
                    scheduler.pause(tick);
                    merged.due().forEach(stream::offer);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
