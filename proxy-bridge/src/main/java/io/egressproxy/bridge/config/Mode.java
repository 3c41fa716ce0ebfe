package io.egressproxy.bridge.config;

import java.util.Locale;

/**
 * How a route carries a client connection through the egress proxy. Immutable.
 */
public enum Mode {
    /** Each HTTP request is re-sent in absolute form through the proxy (keep-alive, streamed). */
    HTTP,
    /** Each connection becomes a {@code CONNECT} tunnel through the proxy (any TCP protocol). */
    CONNECT;

    /** {@code http} or {@code connect}, case-insensitive. */
    public static Mode parse(String text) {
        String word = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (word) {
            case "http" -> HTTP;
            case "connect" -> CONNECT;
            default -> throw new BridgeConfigException("unknown bridge mode '" + text + "': expected http or connect");
        };
    }

    /** The lower-case name used in config and on the command line. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
