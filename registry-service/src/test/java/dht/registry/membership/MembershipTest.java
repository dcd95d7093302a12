package dht.registry.membership;

import dht.core.DuplicateNodeIdException;
import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.wire.Member;
import dht.core.wire.MemberState;
import dht.core.wire.Registration;
import dht.core.wire.Splice;
import dht.core.VirtualPositions;
import dht.registry.config.RegistryProperties;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The registry's ring and its one ring change at a time, on a clock the test moves. */
class MembershipTest {

    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final Duration DOWN_REMOVAL = Duration.ofMinutes(10);
    private static final Duration WAIT = Duration.ofMillis(50);

    private static final NodeRef A = node("1000000000000000", "a.example:7001");
    private static final NodeRef B = node("5000000000000000", "b.example:7002");
    private static final NodeRef C = node("9000000000000000", "c.example:7003");

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final Membership membership = new Membership(new RegistryProperties(LEASE, WAIT, DOWN_REMOVAL), clock);

    @Test
    void membersAnnouncingThemselvesRebuildTheRingOfARestartedRegistry() {
        membership.announce(B, List.of());
        membership.announce(A, List.of());
        membership.announce(A, List.of());

        assertThat(membership.ring().nodes()).containsExactly(A, B);
    }

    @Test
    void aDownMemberLeavesTheRingThatOwnsButKeepsItsPositionsAndIsListedDown() {
        membership.announce(A, List.of());
        membership.announce(B, List.of(RingPosition.parse("7000000000000000")));
        clock.advance(Duration.ofSeconds(5));

        Member down = membership.markDown(B.id());

        assertThat(down.state()).isEqualTo(MemberState.DOWN);
        assertThat(down.downSince()).isEqualTo(clock.instant());
        assertThat(membership.ring().nodes()).containsExactly(A);
        assertThat(membership.members()).extracting(Member::state).containsExactly(MemberState.UP, MemberState.DOWN);
        assertThat(membership.members().get(1).virtualPositions()).containsExactly(RingPosition.parse("7000000000000000"));
        // another joiner is not given its positions
        assertThatThrownBy(() -> membership.register("other.example:1", RingPosition.parse("7000000000000000"), 1, null))
                .isInstanceOf(DuplicateNodeIdException.class);
    }

    @Test
    void aDownMemberJoinsAgainAtItsPositionsToldSinceWhenItWasAway() {
        membership.announce(A, List.of());
        membership.announce(B, List.of(RingPosition.parse("7000000000000000")));
        Instant wentDown = clock.instant();
        membership.markDown(B.id());
        clock.advance(Duration.ofMinutes(2));

        Registration back = membership.register(B.address(), B.id(), 2, null);

        assertThat(back.awaySince()).isEqualTo(wentDown);
        assertThat(back.splicesInOrder()).extracting(Splice::position)
                .containsExactlyInAnyOrder(B.id(), RingPosition.parse("7000000000000000"));
        assertThat(membership.members()).extracting(Member::state).containsExactly(MemberState.UP, MemberState.JOINING);
        membership.joined(B.id());
        assertThat(membership.members()).extracting(Member::state).containsExactly(MemberState.UP, MemberState.UP);
        assertThat(membership.ring().positionsOf(B.id())).hasSize(2);
    }

    @Test
    void aMemberFoundDownAgainWhileItJoinsBackHasItsJoinBrokenOffAndStaysDown() {
        membership.announce(A, List.of());
        membership.announce(B, List.of());
        Instant wentDown = clock.instant();
        membership.markDown(B.id());
        membership.register(B.address(), B.id(), 1, null);

        clock.advance(Duration.ofSeconds(1));
        membership.markDown(B.id());

        assertThatThrownBy(() -> membership.joined(B.id())).isInstanceOf(UnknownNodeException.class);
        assertThat(membership.members()).extracting(Member::state).containsExactly(MemberState.UP, MemberState.DOWN);
        assertThat(membership.register(B.address(), B.id(), 1, null).awaySince()).isEqualTo(wentDown);
    }

    @Test
    void aDownMemberMayNotAnnounceItself() {
        membership.announce(A, List.of());
        membership.announce(B, List.of());
        membership.markDown(B.id());

        assertThatThrownBy(() -> membership.announce(B, List.of())).isInstanceOf(RemovedNodeException.class);
    }

    @Test
    void aMemberDownLongerThanTheRemovalTimeoutIsRemovedAndToldHowLongItWasAwayWhenItComesBack() {
        membership.announce(A, List.of());
        membership.announce(B, List.of());
        Instant wentDown = clock.instant();
        membership.markDown(B.id());
        clock.advance(DOWN_REMOVAL);
        assertThat(membership.members()).extracting(Member::id).containsExactly(A.id(), B.id());

        clock.advance(Duration.ofSeconds(1));

        assertThat(membership.members()).extracting(Member::id).containsExactly(A.id());
        assertThatThrownBy(() -> membership.announce(B, List.of())).isInstanceOf(RemovedNodeException.class);
        assertThat(membership.register(B.address(), B.id(), 1, null).awaySince()).isEqualTo(wentDown);
    }

    @Test
    void aDownMemberStaysWithoutARemovalTimeoutUntilAnOperatorRemovesIt() {
        Membership keeping = new Membership(new RegistryProperties(LEASE, WAIT, Duration.ZERO), clock);
        keeping.announce(A, List.of());
        keeping.announce(B, List.of());
        keeping.markDown(B.id());
        clock.advance(Duration.ofDays(3));
        assertThat(keeping.members()).extracting(Member::state).containsExactly(MemberState.UP, MemberState.DOWN);

        keeping.remove(B.id());

        assertThat(keeping.members()).extracting(Member::id).containsExactly(A.id());
    }

    @Test
    void aRemovedNodeMayNotAnnounceItselfButMayJoinAgain() {
        membership.announce(A, List.of());
        membership.announce(B, List.of());
        membership.remove(B.id());

        assertThatThrownBy(() -> membership.announce(B, List.of())).isInstanceOf(RemovedNodeException.class);
        assertThat(membership.ring().nodes()).containsExactly(A);

        register(B);
        membership.joined(B.id());
        assertThat(membership.ring().nodes()).containsExactly(A, B);
    }

    @Test
    void anAnnouncementUnderAnotherNodesIdIsRefused() {
        membership.announce(A, List.of());

        assertThatThrownBy(() -> membership.announce(new NodeRef(A.id(), "elsewhere.example:7009"), List.of()))
                .isInstanceOf(DuplicateNodeIdException.class);
    }

    @Test
    void theFirstNodeIsGivenNoNeighbors() {
        Registration registration = register(A);

        assertThat(registration.id()).isEqualTo(A.id());
        assertThat(registration.predecessor()).isNull();
        assertThat(registration.successor()).isNull();
    }

    @Test
    void aNodeWithoutPinnedIdGetsTheHashOfItsAddress() {
        Registration registration = membership.register("localhost:50001", null, 1, null);

        assertThat(registration.id()).isEqualTo(RingPosition.ofAddress("localhost:50001"));
    }

    @Test
    void theSecondNodeGetsTheFirstAsPredecessorAndSuccessor() {
        join(A);

        Registration registration = register(B);

        assertThat(registration.predecessor()).isEqualTo(A);
        assertThat(registration.successor()).isEqualTo(A);
    }

    @Test
    void aThirdNodeSplicesInBetweenItsNeighborsOnTheRing() {
        join(A);
        join(C);

        Registration registration = register(B);

        assertThat(registration.predecessor()).isEqualTo(A);
        assertThat(registration.successor()).isEqualTo(C);
    }

    @Test
    void anIdHeldAtAnotherAddressIsADuplicate() {
        join(A);

        assertThatThrownBy(() -> membership.register("other.example:7009", A.id(), 1, null))
                .isInstanceOf(DuplicateNodeIdException.class)
                .satisfies(e -> assertThat(((DuplicateNodeIdException) e).present()).isEqualTo(A));
    }

    @Test
    void anIdStillJoiningAtAnotherAddressIsADuplicate() {
        register(A);

        assertThatThrownBy(() -> membership.register("other.example:7009", A.id(), 1, null))
                .isInstanceOf(DuplicateNodeIdException.class);
    }

    @Test
    void anIdWhoseJoinLeaseRanOutMayBeTakenAtAnotherAddress() {
        register(A);
        clock.advance(LEASE.plusSeconds(1));

        Registration registration = membership.register("other.example:7009", A.id(), 1, null);

        assertThat(registration.node()).isEqualTo(new NodeRef(A.id(), "other.example:7009"));
    }

    @Test
    void theSameAddressMayRegisterAgainAndTakesItsOldPlace() {
        join(A);
        join(B);

        Registration again = register(B);

        assertThat(again.id()).isEqualTo(B.id());
        assertThat(again.predecessor()).isEqualTo(A);
        assertThat(again.successor()).isEqualTo(A);
    }

    @Test
    void aNodeMayRegisterAgainWhileItsOwnJoinIsInProgress() {
        join(A);
        register(B);

        Registration again = register(B);

        assertThat(again.predecessor()).isEqualTo(A);
    }

    @Test
    void aRegisterDuringAnotherJoinWaitsAndThenIsAskedToComeBack() {
        join(A);
        register(B);

        long started = System.nanoTime();
        assertThatThrownBy(() -> register(C))
                .isInstanceOf(RingChangeInProgressException.class)
                .satisfies(e -> assertThat(((RingChangeInProgressException) e).getHeaders().getFirst("Retry-After")).isNotBlank());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(WAIT);
    }

    /** dht.ring-change-wait is the whole wait: it once gave up after the first 200 ms slice of it. */
    @Test
    void aRegisterWaitsAsLongAsTheRingChangeWaitForTheJoinInProgress() throws Exception {
        Membership patient = new Membership(new RegistryProperties(LEASE, Duration.ofSeconds(30), DOWN_REMOVAL), clock);
        patient.register(A.address(), A.id(), 1, null);
        patient.joined(A.id());
        patient.register(B.address(), B.id(), 1, null);

        CompletableFuture<Registration> waiting = CompletableFuture.supplyAsync(() -> patient.register(C.address(), C.id(), 1, null));
        await("the register still waiting").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> !waiting.isDone());
        patient.joined(B.id());

        assertThat(waiting.get(10, TimeUnit.SECONDS).predecessor()).isEqualTo(B);
    }

    @Test
    void afterAJoinFinishesTheNextRegisterGoesAheadWithTheNewNeighbors() {
        join(A);
        register(B);
        membership.joined(B.id());

        Registration registration = register(C);

        assertThat(registration.predecessor()).isEqualTo(B);
        assertThat(registration.successor()).isEqualTo(A);
    }

    @Test
    void aJoinWhoseLeaseRanOutLetsTheNextOneGoAhead() {
        join(A);
        register(B);
        clock.advance(LEASE.plusSeconds(1));

        Registration registration = register(C);

        assertThat(registration.predecessor()).isEqualTo(A);
        assertThat(registration.successor()).isEqualTo(A);
    }

    @Test
    void aJoinWhoseLeaseRanOutCanNoLongerFinish() {
        join(A);
        register(B);
        clock.advance(LEASE.plusSeconds(1));
        register(C);

        assertThatThrownBy(() -> membership.joined(B.id())).isInstanceOf(UnknownNodeException.class);
    }

    @Test
    void membersListsOnlyFinishedJoinsSortedById() {
        join(C);
        join(A);
        register(B);

        assertThat(membership.members()).extracting(Member::ref).containsExactly(A, C);
    }

    @Test
    void membersSortsIdsAsUnsigned() {
        NodeRef high = node("f000000000000000", "high.example:7001");
        join(high);
        join(A);

        assertThat(membership.members()).extracting(Member::ref).containsExactly(A, high);
    }

    @Test
    void aLeavingNodeIsListedAsLeaving() {
        join(A);
        join(B);

        membership.leaving(B.id());

        assertThat(membership.members()).extracting(Member::state).containsExactly(MemberState.UP, MemberState.LEAVING);
    }

    @Test
    void aNodeThatLeftIsRemovedFromTheRing() {
        join(A);
        join(B);

        membership.leaving(B.id());
        membership.remove(B.id());

        assertThat(membership.members()).extracting(Member::ref).containsExactly(A);
        assertThat(register(C).successor()).isEqualTo(A);
    }

    @Test
    void removingAnUnknownNodeIsRefused() {
        join(A);

        assertThatThrownBy(() -> membership.remove(B.id())).isInstanceOf(UnknownNodeException.class);
    }

    @Test
    void joinedWithoutAJoinInProgressIsRefused() {
        assertThatThrownBy(() -> membership.joined(A.id())).isInstanceOf(UnknownNodeException.class);
    }

    @Test
    void nodesRegisteringAtOnceJoinOneAfterAnotherEachWithTheNeighborsItReallyGets() throws Exception {
        int count = 16;
        Membership patient = new Membership(new RegistryProperties(LEASE, Duration.ofSeconds(10), DOWN_REMOVAL), clock);
        List<Registration> inJoinOrder = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> joins = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(count)) {
            for (int i = 0; i < count; i++) {
                String address = "node-" + i + ".example:" + (7000 + i);
                joins.add(threads.submit(() -> {
                    start.await();
                    Registration registration = patient.register(address, null, 1, null);
                    // still inside this node's exclusive ring change: the list records the join order
                    inJoinOrder.add(registration);
                    patient.joined(registration.id());
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> join : joins) {
                join.get(20, TimeUnit.SECONDS);
            }
        }

        Ring ring = Ring.empty();
        for (Registration registration : inJoinOrder) {
            if (ring.isEmpty()) {
                assertThat(registration.isFirst()).isTrue();
            } else {
                assertThat(registration.predecessor()).isEqualTo(ring.predecessorOf(registration.id()));
                assertThat(registration.successor()).isEqualTo(ring.successorOf(registration.id()));
            }
            ring = ring.with(registration.node());
        }
        assertThat(patient.members()).extracting(Member::ref)
                .containsExactlyElementsOf(ring.nodes())
                .hasSize(count);
        assertThat(patient.ring()).isEqualTo(ring);
    }

    @Test
    void aRegistrationWaitingForTheJoinInProgressIsAnsweredWithTheRingAfterIt() throws Exception {
        Membership patient = new Membership(new RegistryProperties(LEASE, Duration.ofSeconds(30), DOWN_REMOVAL), clock);
        patient.register(A.address(), A.id(), 1, null);
        AtomicReference<Registration> waiting = new AtomicReference<>();
        Thread second = Thread.ofPlatform().start(() -> waiting.set(patient.register(B.address(), B.id(), 1, null)));
        await("the second registration waits for the first join").atMost(Duration.ofSeconds(10))
                .until(() -> second.getState() == Thread.State.TIMED_WAITING);

        patient.joined(A.id());
        second.join(Duration.ofSeconds(10));

        assertThat(waiting.get()).isNotNull();
        assertThat(waiting.get().predecessor()).isEqualTo(A);
        assertThat(waiting.get().successor()).isEqualTo(A);
    }

    @Test
    void withVirtualNodesEachPositionSplicesIntoAnotherNodesRangeAndFiveNodesOfEightPositionsBalance() {
        Ring expected = Ring.empty();
        for (int i = 0; i < 5; i++) {
            NodeRef node = NodeRef.at("vnode-" + i + ".example:7000");
            Registration registration = membership.register(node.address(), null, 8, null);
            assertThat(registration.splices()).hasSize(8).extracting(Splice::position).contains(node.id()).doesNotHaveDuplicates();
            NavigableMap<RingPosition, NodeRef> members = new TreeMap<>();
            for (NodeRef member : expected.nodes()) {
                expected.positionsOf(member.id()).forEach(position -> members.put(position, member.atPosition(position)));
            }
            for (Splice splice : registration.splices()) {
                if (members.isEmpty()) {
                    assertThat(splice.predecessor()).isNull();
                    assertThat(splice.successor()).isNull();
                    continue;
                }
                NodeRef owner = Objects.requireNonNullElseGet(members.floorEntry(splice.position()), members::lastEntry).getValue();
                NodeRef next = Objects.requireNonNullElseGet(members.higherEntry(splice.position()), members::firstEntry).getValue();
                assertThat(splice.predecessor()).as("the owner of %s when its turn comes", splice.position()).isEqualTo(owner);
                assertThat(splice.predecessor().sameNodeAs(node)).isFalse();
                assertThat(splice.successor()).isEqualTo(next);
                members.put(splice.position(), node.atPosition(splice.position()));
            }
            membership.joined(node.id());
            expected = expected.with(node, registration.splices().stream().map(Splice::position).filter(p -> !p.equals(node.id())).toList());
            assertThat(membership.ring()).isEqualTo(expected);
        }
        BigInteger mean = BigInteger.TWO.pow(64).divide(BigInteger.valueOf(5));
        for (NodeRef node : expected.nodes()) {
            assertThat(new BigDecimal(VirtualPositions.load(expected, node)).divide(new BigDecimal(mean), 3, RoundingMode.HALF_UP))
                    .as("load of %s relative to the mean", node).isLessThanOrEqualTo(new BigDecimal("1.25"));
        }
        assertThat(membership.members()).allSatisfy(member -> assertThat(member.virtualPositions()).hasSize(7));
    }

    @Test
    void aNodeWithVirtualNodesRegisteringAgainKeepsItsPositions() {
        NodeRef a = NodeRef.at("vnode-a.example:7000");
        NodeRef b = NodeRef.at("vnode-b.example:7000");
        membership.register(a.address(), null, 4, null);
        membership.joined(a.id());
        membership.register(b.address(), null, 4, null);
        membership.joined(b.id());
        List<RingPosition> before = membership.ring().positionsOf(b.id());

        Registration again = membership.register(b.address(), null, 4, null);

        assertThat(again.splices()).extracting(Splice::position).containsExactlyInAnyOrderElementsOf(before);
        assertThat(again.splices()).allSatisfy(splice -> assertThat(splice.predecessor().sameNodeAs(a)).isTrue());
    }

    @Test
    void aJoinerRetryingKeepsThePositionsItHoldsWhereTheyStandFree() {
        NodeRef a = NodeRef.at("vnode-a.example:7000");
        NodeRef c = NodeRef.at("vnode-c.example:7000");
        membership.register(a.address(), null, 4, null);
        membership.joined(a.id());
        membership.register(c.address(), null, 4, null);
        membership.joined(c.id());
        NodeRef b = NodeRef.at("vnode-b.example:7000");
        List<RingPosition> held = membership.register(b.address(), null, 4, null).splicesInOrder().stream()
                .map(Splice::position).filter(position -> !position.equals(b.id())).toList();
        membership.remove(b.id()); // its join broke off, and the ring changed meanwhile
        membership.remove(c.id());

        Registration retry = membership.register(b.address(), null, 4, held);

        assertThat(retry.splicesInOrder()).extracting(Splice::position).containsExactlyInAnyOrderElementsOf(
                Stream.concat(Stream.of(b.id()), held.stream()).toList());
    }

    @Test
    void noJoinerGetsTheIdOfARemovedNodeAsAPosition() {
        NodeRef a = NodeRef.at("vnode-a.example:7000");
        NodeRef c = NodeRef.at("vnode-c.example:7000");
        membership.register(a.address(), null, 4, null);
        membership.joined(a.id());
        RingPosition wouldBeTaken = VirtualPositions.allocate(membership.ring(), c, 4).getFirst();
        membership.register("removed.example:7000", wouldBeTaken, 1, null);
        membership.joined(wouldBeTaken);
        membership.remove(wouldBeTaken);

        Registration registration = membership.register(c.address(), null, 4, null);

        assertThat(registration.splicesInOrder()).extracting(Splice::position).hasSize(4).doesNotContain(wouldBeTaken);
    }

    @Test
    void aJoinerAskingForATakenPositionGetsNewOnes() {
        NodeRef a = NodeRef.at("vnode-a.example:7000");
        membership.register(a.address(), null, 4, null);
        membership.joined(a.id());
        NodeRef b = NodeRef.at("vnode-b.example:7000");
        List<RingPosition> taken = List.of(membership.ring().virtualPositionsOf(a.id()).getFirst(), new RingPosition(1), new RingPosition(2));

        Registration registration = membership.register(b.address(), null, 4, taken);

        assertThat(registration.splicesInOrder()).extracting(Splice::position).doesNotContain(taken.getFirst());
    }

    @Test
    void withoutVirtualNodesARegistrationNamesNoSplices() {
        join(A);

        assertThat(register(B).splices()).isNull();
        assertThat(membership.members()).allSatisfy(member -> assertThat(member.virtualPositions()).isNull());
    }

    private Registration register(NodeRef node) {
        return membership.register(node.address(), node.id(), 1, null);
    }

    private void join(NodeRef node) {
        register(node);
        membership.joined(node.id());
    }

    private static NodeRef node(String id, String address) {
        return new NodeRef(RingPosition.parse(id), address);
    }

    /** A clock that moves only when told to. */
    private static final class MutableClock extends Clock {

        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
