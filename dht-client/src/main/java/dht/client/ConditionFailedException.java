package dht.client;

import java.util.Optional;

/**
 * A conditional write found another value than it was conditioned on: {@link DhtClient#putIfAbsent}
 * found the key present, or {@link DhtClient#replace} found another version. Nothing was written.
 */
public final class ConditionFailedException extends DhtException {

    private final String key;
    private final String currentVersion;

    ConditionFailedException(String key, String currentVersion, String detail) {
        super("the condition on key '" + key + "' did not hold" + (detail == null ? "" : ": " + detail));
        this.key = key;
        this.currentVersion = currentVersion;
    }

    public String key() {
        return key;
    }

    /** The version the key has now, when the node named it; empty when the key has no value. */
    public Optional<String> currentVersion() {
        return Optional.ofNullable(currentVersion);
    }
}
