package dht.core.wire;

import java.util.List;

/**
 * What a node's change log answers a watching node: the changes under a prefix after the position
 * asked for, and the position to ask from next time.
 *
 * @param epoch   the log's identity: a node's log starts afresh when the node starts, and positions of
 *                an earlier log mean nothing in it
 * @param next    the position after the last change this page looked at (matching the prefix or not)
 * @param reset   the log no longer reaches back to where the page was asked from: changes were missed
 */
public record ChangePage(long epoch, long next, boolean reset, List<KeyChange> changes) {

    public ChangePage {
        changes = List.copyOf(changes);
    }
}
