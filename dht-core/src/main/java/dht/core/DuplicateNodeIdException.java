package dht.core;

/** Raised when a node would take an ID that another live node already holds. */
public class DuplicateNodeIdException extends IllegalStateException {

    private final NodeRef requested;
    private final NodeRef present;

    public DuplicateNodeIdException(NodeRef requested, NodeRef present) {
        super("ID " + requested.id() + " of " + requested.address() + " is already held by " + present.address());
        this.requested = requested;
        this.present = present;
    }

    public NodeRef requested() {
        return requested;
    }

    public NodeRef present() {
        return present;
    }
}
