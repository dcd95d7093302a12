package dht.deploy;

import java.util.regex.Pattern;

/**
 * What the deploy files must not ship: a secret written into them, and above all a placeholder
 * that everyone who read this repository knows ({@code change-me}), which the apps refuse as a
 * cluster token.
 */
final class Secrets {

    /** Placeholders such files ship: change-me, change-me-before-production, changeme, changeit. */
    private static final Pattern PLACEHOLDER = Pattern.compile("(?i)(?<![a-z0-9])change[-_.]?(me|it)(?![a-z0-9])");

    /** Names of settings that carry a secret: the cluster token, API keys, passwords. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(token|password|passwd|secret|api[-_.]?keys?).*");

    private Secrets() {
    }

    /** Whether {@code text} holds a placeholder anywhere in it. */
    static boolean hasPlaceholder(String text) {
        return text != null && PLACEHOLDER.matcher(text).find();
    }

    /** Whether a variable or key of this name carries a secret. */
    static boolean isSecretName(String name) {
        return name != null && SECRET_NAME.matcher(name).matches();
    }
}
