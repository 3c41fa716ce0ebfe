package io.egressproxy.cli.sandbox;

import java.util.regex.Pattern;

/**
 * The one rule for sandbox names, which every launcher command checks before it touches anything.
 * A name becomes a container, network and file name ({@code STATE_DIR/NAME.properties}) and an
 * argument to {@code docker}, so one that could be a path ({@code ../x}) or an option
 * ({@code --privileged}) must never get that far. Pure.
 */
public final class SandboxNames {
    /** What Docker accepts as a container name, at most 63 characters (also the proxy's rule for sandbox names). */
    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");

    private SandboxNames() {
    }

    /** Does {@code name} follow the rule? */
    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** Returns {@code name}, or throws saying what a name may be. */
    public static String check(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("sandbox name '" + name + "' must be letters, digits, '_', '.' or '-'"
                    + " (at most 63, starting with a letter or digit), as Docker requires for names");
        }
        return name;
    }
}
