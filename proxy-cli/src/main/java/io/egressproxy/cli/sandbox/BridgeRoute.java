package io.egressproxy.cli.sandbox;

/**
 * One {@code --bridge LISTEN=TARGET}: a port inside the sandbox ({@code 127.0.0.1:54321}) carried
 * through the proxy to a target ({@code localhost:12434}, the host's loopback). Immutable.
 */
public record BridgeRoute(String listen, String target) {
    /** Parses {@code LISTEN=TARGET}; a bare port as LISTEN means {@code 127.0.0.1:PORT}. */
    public static BridgeRoute parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            throw new IllegalArgumentException("--bridge '" + text + "' is not LISTEN=TARGET; write e.g. 127.0.0.1:54321=localhost:12434");
        }
        String listen = text.substring(0, eq);
        return new BridgeRoute(listen.contains(":") ? listen : "127.0.0.1:" + listen, text.substring(eq + 1));
    }

    @Override
    public String toString() {
        return listen + "=" + target;
    }
}
