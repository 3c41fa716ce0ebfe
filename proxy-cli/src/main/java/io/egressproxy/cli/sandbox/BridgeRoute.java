package io.egressproxy.cli.sandbox;

import io.egressproxy.bridge.config.BridgeConfigException;
import io.egressproxy.bridge.config.Route;

/**
 * One {@code --bridge LISTEN=TARGET}: a port inside the sandbox ({@code 127.0.0.1:54321}) carried
 * through the proxy to a target ({@code localhost:12434}, the host's loopback). Immutable.
 */
public record BridgeRoute(String listen, String target) {
    /**
     * Parses {@code LISTEN=TARGET}; a bare port as LISTEN means {@code 127.0.0.1:PORT}. Checked with
     * the bridge's own parser, so that a route the bridge inside would refuse fails {@code run} up
     * front, and both ports must be 1-65535 (a free port, 0, would be one nobody in the sandbox knows).
     */
    public static BridgeRoute parse(String text) {
        Route route;
        try {
            route = Route.parse(text);
        } catch (BridgeConfigException e) {
            throw new IllegalArgumentException("--bridge '" + text + "': " + e.getMessage());
        }
        if (route.listenPort() == 0) {
            throw new IllegalArgumentException("--bridge '" + text + "': listen port 0 is a port nobody in the sandbox"
                    + " would know; name one from 1 to 65535, e.g. 127.0.0.1:54321=localhost:12434");
        }
        return new BridgeRoute(route.listen(), route.target());
    }

    @Override
    public String toString() {
        return listen + "=" + target;
    }
}
