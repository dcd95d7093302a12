package dht.node.peer;

import dht.core.NeighborView;
import dht.core.NodeRef;
import dht.core.wire.CopyAnswer;
import dht.core.wire.ChangePage;
import dht.core.wire.ChangeQuery;
import dht.core.wire.DigestRequest;
import dht.core.wire.Entry;
import dht.core.wire.Handover;
import dht.core.wire.HintsHandedOver;
import dht.core.wire.JoinAccepted;
import dht.core.wire.JoinRequest;
import dht.core.wire.OwnerWrites;
import dht.core.wire.RangeDigest;
import dht.core.wire.RangeKeys;
import dht.core.wire.RangeKeysRequest;
import dht.core.wire.TransferPage;
import dht.core.wire.TransferRequest;
import dht.core.wire.Wanted;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every call this node makes to another node. Failures surface as a {@link PeerFailure}: the peer
 * did not answer in time, could not be reached, or refused.
 */
public interface PeerClient {

    /** Sends a client's key request on toward its owner: what it ended in, or its {@link KeyFailure}. */
    KeyOutcome forward(NodeRef next, KeyRequest request);

    /** Asks the future predecessor to make the joiner its successor. */
    JoinAccepted join(NodeRef predecessor, JoinRequest request);

    /** Tells {@code node} who its predecessor is now. */
    void setPredecessor(NodeRef node, NodeRef predecessor);

    /** Tells {@code predecessor} that {@code successor} stops without leaving: it serves the successor's range until it is back. */
    void goingDown(NodeRef predecessor, NodeRef successor);

    /** Asks the predecessor of a leaving node to take over its range. */
    void handover(NodeRef predecessor, Handover handover);

    /** One round of pulling a range: confirm what was stored, fetch the next entries. */
    TransferPage pull(NodeRef source, TransferRequest request);

    /** One page of what a node holds of a range, deleting nothing. */
    TransferPage readRange(NodeRef node, TransferRequest request);

    /**
     * The keys a replica holds of a range, without their values, for a listing; refused
     * ({@link PeerFailure.Reason#CONFLICT}) while part of the range is still arriving there.
     */
    RangeKeys listKeys(NodeRef node, RangeKeysRequest request);

    /** A node's own view of its neighbors at the position of {@code member}; refused where it no longer stands there. */
    NeighborView neighbors(NodeRef member);

    /** The node at {@code address}'s own view of its neighbors at its ID, whatever the ID is. */
    NeighborView neighborsAtId(String address);

    /** The digest of what a node holds of a range. */
    RangeDigest digest(NodeRef node, DigestRequest request);

    /** Confirms the last entries of a transfer: the source may delete them and consider it done. */
    void completeTransfer(NodeRef source, TransferRequest request);

    /** Stores copies on a replica, which keeps each unless it holds a newer version. */
    void replicate(NodeRef replica, List<Entry> entries);

    /**
     * Keeps writes on {@code fallback} as hints for the replica at {@code target}, which could not
     * take them (it is DOWN): the fallback hands them over once it is back (hinted handoff).
     */
    void storeHints(NodeRef fallback, String target, List<Entry> entries);

    /** Asks {@code holder} to hand {@code replica}, back in place, the hints it keeps for it now. */
    HintsHandedOver handOverHints(NodeRef holder, NodeRef replica);

    /**
     * Stores writes replicas coordinated on the keys' owner, which keeps each unless it holds a newer
     * version, and refuses it unless it owns the key by its own neighbors (a write counts only once
     * its owner holds it); answers the keys it refused, and those where the write replaced a value.
     * The keys are distinct.
     */
    OwnerWrites replicateToOwner(NodeRef owner, List<Entry> entries);

    /** Whether the node answers its liveness probe within {@code dht.probe-timeout}. */
    boolean isAlive(NodeRef node);

    /** Whether the node answers its liveness probe within {@code dht.request-timeout}: the last probe before it is declared dead. */
    boolean isAlivePatiently(NodeRef node);

    /** Reads one entry straight from a node's store, without routing. */
    Optional<Entry> fetch(NodeRef source, String key);

    /**
     * A replica's copies of keys, one answer per key in order; a copy of the version the asker named
     * comes back as a confirmation alone. The keys are distinct.
     */
    List<CopyAnswer> readCopies(NodeRef replica, List<Wanted> wanted);

    /**
     * As {@link #readCopies}, the owner's copies, for a replica that serves a read itself: the owner
     * answers {@link CopyAnswer.Kind#NOT_OWNED} for a key it does not own by its own neighbors, so that
     * a replica with a stale view of the ring cannot take another node's copy for the owner's.
     */
    List<CopyAnswer> readOwnerCopies(NodeRef owner, List<Wanted> wanted);

    /**
     * A page of a node's change log, for a watch on keys: the node holds the call up to {@code wait}
     * while it has no change to answer.
     */
    ChangePage changes(NodeRef node, ChangeQuery query, Duration wait);
}
