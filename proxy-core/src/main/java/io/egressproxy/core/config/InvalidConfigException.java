package io.egressproxy.core.config;

/**
 * A configuration problem found at start-up or on reload. The message names where the value came
 * from (file and line when known), the key path and what was expected, so a person can fix it
 * without reading code.
 */
public final class InvalidConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidConfigException(String message) {
        super(message);
    }

    public InvalidConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
