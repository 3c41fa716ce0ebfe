package io.egressproxy.bridge.config;

/**
 * A bridge setting that cannot be used: a malformed proxy URL or route, a missing proxy, a bad
 * HOCON value, or a listen address that cannot be bound. The message says what was wrong, where
 * (the key path or the option), and what to do; it never contains a proxy password. Immutable.
 */
public final class BridgeConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BridgeConfigException(String message) {
        super(message);
    }

    public BridgeConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
