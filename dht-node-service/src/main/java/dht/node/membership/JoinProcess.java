package dht.node.membership;

import dht.core.KeyRange;
import dht.core.NeighborView;
import dht.core.Neighborhood;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.VirtualPositions;
import dht.core.wire.Entry;
import dht.core.wire.JoinAccepted;
import dht.core.wire.JoinRequest;
import dht.core.wire.RegisterRequest;
import dht.core.wire.Registration;
import dht.core.wire.Splice;
import dht.node.config.NodeProperties;
import dht.node.peer.PeerClient;
import dht.node.peer.PeerFailure;
import dht.node.peer.RegistryClient;
import dht.node.storage.KeyValueStore;
import dht.node.time.NodeScheduler;
import dht.node.transfer.InboundTransfers.Pending;
import dht.node.transfer.InboundTransfers;
import dht.node.transfer.TransferService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Joins the ring once the port, and so the node's ID, is known and the application has started: registers, splices in after the
 * predecessor the registry names (or, with {@code dht.seed-nodes}, the one a seed node's ring
 * shows), pulls the new range from it, and only then reports ready.
 * Failed attempts are retried until the node joins or shuts down.
 */
@Component
public class JoinProcess implements ApplicationListener<WebServerInitializedEvent> {

    private static final Logger log = LoggerFactory.getLogger(JoinProcess.class);
    private static final int PREDECESSOR_REFUSALS_BEFORE_YIELDING = 3;
    private static final int YIELDED_RETRIES = 3;

    private final LocalNode node;
    private final RegistryClient registry;
    private final PeerClient peers;
    private final InboundTransfers inbound;
    private final TransferService transfers;
    private final NodeProperties properties;
    private final RingRefresher ringRefresher;
    private final RingWalk ringWalk;
    private final NeighborService neighbors;
    private final NodeScheduler scheduler;
    private final KeyValueStore store;
    private final MissedWrites missedWrites;
    /** Whether the join under way takes back positions this node held before, with its keys: only what differs is pulled. */
    private boolean backInPlace;
    /** Whether a join runs or waits to be tried again: a removal noticed meanwhile starts no second one. */
    private boolean joining;
    private volatile boolean cancelled;
    /**
     * Attempts in a row that a predecessor owning no range refused (see {@link #askToJoin}); the
     * positions spliced in before the refusal within one attempt do not end the row.
     */
    private int predecessorRefusals;
    /** Whether the attempt that just failed let the registry's ring change go. */
    private boolean yielded;
    /**
     * The positions besides its ID the registry gave this node last: a retry asks for them again,
     * so that it builds on the splices an attempt that broke off made, rather than leaving them
     * behind in its neighbors' views.
     */
    private List<RingPosition> plannedPositions = List.of();
    /** When this run of the node started: its predecessors tell a retry of this run from a restart by it. */
    private final long incarnation;

    public JoinProcess(LocalNode node, RegistryClient registry, PeerClient peers, InboundTransfers inbound,
                       TransferService transfers, NodeProperties properties, RingRefresher ringRefresher, RingWalk ringWalk,
                       NeighborService neighbors, NodeScheduler scheduler, KeyValueStore store, MissedWrites missedWrites) {
        this.store = store;
        this.missedWrites = missedWrites;
        this.scheduler = scheduler;
        this.incarnation = scheduler.now().toEpochMilli();
        this.neighbors = neighbors;
        this.ringWalk = ringWalk;
        this.ringRefresher = ringRefresher;
        this.node = node;
        this.registry = registry;
        this.peers = peers;
        this.inbound = inbound;
        this.transfers = transfers;
        this.properties = properties;
    }

    @Override
    public void onApplicationEvent(WebServerInitializedEvent event) {
        if (event.getApplicationContext().getServerNamespace() != null) {
            return;
        }
        takePlace(properties.advertisedAddress() != null
                ? properties.advertisedAddress()
                : "localhost:" + event.getWebServer().getPort());
    }

    /** The node's ID and address, known once it listens: it stands there, owning nothing until it joined. */
    public void takePlace(String address) {
        RingPosition id = properties.nodeId() != null ? properties.nodeId() : RingPosition.ofAddress(address);
        NodeRef self = new NodeRef(id, address);
        node.changeOwnership(() -> {
            node.update(Neighborhood.alone(self, List.of()), NodeState.JOINING);
            return null;
        });
    }

    /**
     * Joins once the application is fully started, not merely listening: a neighbor probes this
     * node's liveness as soon as it is linked in, and that must already answer.
     */
    @EventListener(ApplicationReadyEvent.class)
    public synchronized void startJoining() {
        node.self().ifPresent(self -> {
            joining = true;
            scheduler.runAfter(Duration.ZERO, "join", () -> attempt(self, 1));
        });
    }

    /**
     * Joins again, keeping its keys, a node the ring closed itself behind: it stops serving at once,
     * since its predecessor now owns its range, and pulls that range back once spliced in anew.
     */
    @EventListener
    public synchronized void rejoin(RemovedFromRing removed) {
        if (joining || cancelled) {
            return;
        }
        log.warn("{} joins the ring again, keeping its keys", removed.self());
        node.changeOwnership(() -> {
            node.update(Neighborhood.alone(removed.self(), List.of()), NodeState.JOINING);
            return null;
        });
        joining = true;
        scheduler.runAfter(Duration.ZERO, "rejoin", () -> attempt(removed.self(), 1));
    }

    /** Stops trying to join, for a node that shuts down first. */
    public void cancel() {
        cancelled = true;
    }

    /** One attempt to join; a failed one is tried again {@code dht.retry-interval} later, until the node joins or shuts down. */
    private void attempt(NodeRef self, int attempt) {
        if (cancelled) {
            log.info("{} stops joining", self);
            return;
        }
        try {
            join(self);
        } catch (PeerFailure | IllegalStateException e) {
            log.warn("join attempt {} of {} failed: {}; retrying in {}", attempt, self, e.getMessage(), nextRetry());
            retry(self, attempt);
            return;
        } catch (RuntimeException e) {
            log.error("join attempt {} of {} failed; retrying in {}", attempt, self, nextRetry(), e);
            retry(self, attempt);
            return;
        }
        finished();
        ringRefresher.refresh();
    }

    private void retry(NodeRef self, int attempt) {
        ownNothingUntilJoined();
        Duration wait = nextRetry();
        yielded = false;
        scheduler.runAfter(wait, "join", () -> attempt(self, attempt + 1));
    }

    /**
     * A join that broke off after splicing some positions in serves none of them until the next
     * attempt has spliced them again: their predecessors may close them out meanwhile (another
     * joiner asks there, and finds this node holding no place; or the registry, told it is DOWN,
     * refused to end the join), and a range must never have two owners.
     */
    private void ownNothingUntilJoined() {
        node.changeOwnership(() -> {
            if (node.state() == NodeState.TRANSFERRING || node.state() == NodeState.READY) {
                node.update(NodeState.JOINING);
            }
            return null;
        });
    }

    /**
     * A node that let the registry's ring change go waits for a few of the other's retries, so that
     * the other registers first; otherwise it would take the change back at its own next retry.
     */
    private Duration nextRetry() {
        return yielded ? properties.retryInterval().multipliedBy(YIELDED_RETRIES) : properties.retryInterval();
    }

    private synchronized void finished() {
        joining = false;
        predecessorRefusals = 0;
    }

    private void join(NodeRef self) {
        if (!properties.seedNodes().isEmpty()) {
            joinThroughSeeds(self);
            return;
        }
        Integer virtualNodes = properties.positions() > 1 ? properties.positions() : null;
        Registration registration = registry.register(new RegisterRequest(self.address(), properties.nodeId(), virtualNodes,
                plannedPositions.isEmpty() ? null : plannedPositions));
        backInPlace = !forgetIfAwayTooLong(registration) && registration.awaySince() != null;
        if (backInPlace) {
            collectHints(self);
        }
        List<Splice> splices = registration.splicesInOrder();
        plannedPositions = splices.stream().map(Splice::position).filter(position -> !position.equals(self.id())).toList();
        if (registration.isFirst()) {
            startRing(self, plannedPositions);
        } else {
            spliceIn(self, splices);
        }
        registry.joined(self.id());
    }

    /**
     * A node back in place first takes the writes it missed from the hints the others kept for it,
     * and only then compares its ranges with them: what the hints brought need not be pulled. A
     * registry that cannot list the ring leaves the hints for the others' next rounds.
     */
    private void collectHints(NodeRef self) {
        try {
            missedWrites.collect(self, registry.ring().ring().nodes());
        } catch (PeerFailure e) {
            log.info("{} takes its hints in the others' next rounds: the ring could not be listed ({})", self, e.getMessage());
        }
    }

    /**
     * A node away for longer than {@code dht.tombstone-grace} may hold keys whose deletions the
     * others have forgotten since (their tombstones purged): taken back in, they would live again. It
     * empties its store instead and rebuilds its ranges from the replicas as any joiner does. Answers
     * whether it did.
     */
    private boolean forgetIfAwayTooLong(Registration registration) {
        if (registration.awaySince() == null || store.size() == 0) {
            return false;
        }
        Duration away = Duration.between(registration.awaySince(), scheduler.now());
        if (away.compareTo(properties.tombstoneGrace()) <= 0) {
            log.info("{} was away for {}: it keeps its {} keys and syncs what changed", registration.node(), away, store.size());
            return false;
        }
        log.warn("{} was away for {}, longer than dht.tombstone-grace ({}): its {} keys may include deleted ones, so it "
                + "empties its store and rebuilds its ranges from the replicas", registration.node(), away, properties.tombstoneGrace(),
                store.size());
        KeyRange everything = KeyRange.wholeRing(registration.id());
        long removed = 0;
        for (List<Entry> page = store.scan(everything, null, properties.transferBatchSize()); !page.isEmpty();
             page = store.scan(everything, null, properties.transferBatchSize())) {
            removed += store.removeThrough(everything, null, page.getLast().cursor());
        }
        log.info("{} removed {} keys", registration.node(), removed);
        return true;
    }

    /**
     * Learns the ring by walking it from a seed, chooses its positions there as the registry would
     * ({@link VirtualPositions}: the same ring gives the same positions), and splices each in. The
     * registry, if there is one, learns of the node when it announces itself. A retry after a join
     * that broke off keeps the positions it planned: the predecessors that spliced some of them in
     * already answer the same again.
     */
    private void joinThroughSeeds(NodeRef self) {
        Optional<Ring> walked = walkFromASeed(self);
        if (walked.isEmpty()) {
            if (!properties.seedNodes().contains(self.address())) {
                throw new IllegalStateException("no seed node of " + properties.seedNodes() + " answers");
            }
            log.info("no other seed node answers; {} starts a new ring", self);
            plannedPositions = VirtualPositions.allocate(Ring.empty(), self, properties.positions());
            startRing(self, plannedPositions);
            return;
        }
        Ring ring = walked.get();
        List<RingPosition> standing = ring.nodes().stream().filter(self::sameNodeAs).findFirst()
                .map(member -> ring.positionsOf(member.id())).orElse(List.of());
        if (!standing.isEmpty() && !plannedAt(self).containsAll(standing)) {
            throw new IllegalStateException(self + " is still in the ring at " + standing
                    + " (a restart before its neighbors found it gone); waiting until they do");
        }
        Ring others = ring.without(self.id());
        if (plannedPositions.isEmpty() || plannedPositions.stream().anyMatch(position -> others.nodeAt(position).isPresent())) {
            plannedPositions = VirtualPositions.allocate(others, self, properties.positions());
        }
        log.info("{} joins a ring of {} nodes at {} positions", self, others.size(), plannedPositions.size() + 1);
        spliceIn(self, Splice.inOrder(others, self, plannedPositions));
    }

    /**
     * The ring as walked from the first seed node besides this one that answers. A walk that fails
     * further on, at a node in the middle of a change, fails the attempt: a seed listing itself
     * starts a new ring only when no other seed answers at all.
     */
    private Optional<Ring> walkFromASeed(NodeRef self) {
        for (String seedAddress : properties.seedNodes()) {
            if (seedAddress.equals(self.address())) {
                continue;
            }
            try {
                return Optional.of(ringWalk.from(seedAddress));
            } catch (PeerFailure e) {
                if (!e.peer().address().equals(seedAddress)) {
                    throw e;
                }
                log.warn("seed {} cannot be used: {}", seedAddress, e.getMessage());
            }
        }
        return Optional.empty();
    }

    private List<RingPosition> plannedAt(NodeRef self) {
        return Stream.concat(Stream.of(self.id()), plannedPositions.stream()).toList();
    }

    private void startRing(NodeRef self, List<RingPosition> virtualPositions) {
        node.changeOwnership(() -> {
            node.update(Neighborhood.alone(self, virtualPositions), NodeState.READY);
            return null;
        });
    }

    /** Splices in each position in turn, pulling its range before the next: ready once all are in. */
    private void spliceIn(NodeRef self, List<Splice> splices) {
        for (int i = 0; i < splices.size(); i++) {
            spliceIn(self, splices.get(i), i == 0);
        }
        node.changeOwnership(() -> {
            node.update(NodeState.READY);
            return null;
        });
    }

    private void spliceIn(NodeRef self, Splice splice, boolean first) {
        NodeRef joiner = self.atPosition(splice.position());
        log.info("{} joins between {} and {}", joiner, splice.predecessor(), splice.successor());
        JoinAccepted accepted = askToJoin(self, splice.predecessor(), new JoinRequest(joiner, splice.successor(),
                joiner.equals(self) ? null : self, incarnation));
        NeighborView view = new NeighborView(joiner, accepted.predecessor(), accepted.successor());
        Pending pending = node.changeOwnership(() -> {
            // the first position replaces the node's placeholder at its ID, which owns nothing yet
            node.update(first ? new Neighborhood(self, List.of(view)) : node.neighborhood().orElseThrow().with(view),
                    NodeState.TRANSFERRING);
            return inbound.begin(accepted.range(), accepted.predecessor());
        });
        boolean successorTold = tellSuccessor(self, joiner, accepted.successor());
        try {
            if (backInPlace) {
                transfers.pullBack(self, pending);
            } else {
                transfers.pull(self, pending);
            }
        } catch (PeerFailure e) {
            // the predecessor took the range back (it declared this node dead meanwhile): join anew
            node.changeOwnership(() -> {
                inbound.finish(pending);
                node.update(Neighborhood.alone(self, List.of()), NodeState.JOINING);
                return null;
            });
            throw e;
        }
        node.changeOwnership(() -> {
            inbound.finish(pending);
            return null;
        });
        if (!successorTold && !tellSuccessor(self, joiner, accepted.successor())) {
            log.warn("{} could not tell its successor {} that it precedes it now; if that node is gone, this one's failure "
                    + "detector takes its range over", joiner, accepted.successor());
        }
    }

    /**
     * Asks the predecessor the registry named to splice this node in. A predecessor that owns no
     * range (it is joining again itself, after a restart its neighbors did not notice) cannot, and
     * cannot join again either while this node holds the registry's one ring change: after a few
     * such refusals in a row this node lets the change go, so that the other one joins first.
     */
    private JoinAccepted askToJoin(NodeRef self, NodeRef predecessor, JoinRequest request) {
        try {
            return peers.join(predecessor, request);
        } catch (PeerFailure e) {
            if (e.isRefusal(PeerFailure.Reason.BUSY) && ++predecessorRefusals >= PREDECESSOR_REFUSALS_BEFORE_YIELDING) {
                predecessorRefusals = 0;
                log.warn("{} refused {} {} times in a row; {} lets the ring change go for it to join first", predecessor,
                        self, PREDECESSOR_REFUSALS_BEFORE_YIELDING, self);
                try {
                    registry.remove(self.id());
                    yielded = true;
                } catch (PeerFailure notLetGo) {
                    log.warn("could not let the registry's ring change go: {}", notLetGo.getMessage());
                }
            }
            throw e;
        }
    }

    /**
     * Tells the successor its new predecessor. A successor that does not answer does not stop the
     * join: the predecessor already handed the range over, and if the successor is gone it is this
     * node, its predecessor now, that finds it dead and takes its range over.
     */
    private boolean tellSuccessor(NodeRef self, NodeRef joiner, NodeRef successor) {
        try {
            if (successor.sameNodeAs(self)) {
                neighbors.predecessorIs(joiner);
            } else {
                peers.setPredecessor(successor, joiner);
            }
            return true;
        } catch (PeerFailure e) {
            log.warn("{} could not tell {} it is its predecessor now: {}", joiner, successor, e.getMessage());
            return false;
        }
    }
}
