package dht.cli;

import dht.client.ServedBy;

/** The answer a call on one key ended with, as {@code --verbose} and {@code -o json} show it. */
record Answer(ServedBy servedBy, int status) {

    String owner() {
        return servedBy.owner().isEmpty() ? "?" : servedBy.owner();
    }

    /** The forwards between nodes, or {@code null} when the node did not say. */
    Integer hops() {
        return servedBy.hops() < 0 ? null : servedBy.hops();
    }

    /** {@code via 127.0.0.1:50002, owner 8877c799045ba648, hops 0, status 201}. */
    String summary() {
        return "via " + servedBy.node() + ", owner " + owner() + ", hops " + (hops() == null ? "?" : hops()) + ", status " + status;
    }
}
