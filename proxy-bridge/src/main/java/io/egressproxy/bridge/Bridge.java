package io.egressproxy.bridge;

import io.egressproxy.bridge.config.BridgeConfigException;
import io.egressproxy.bridge.config.BridgeSettings;
import io.egressproxy.bridge.config.Route;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * A running bridge: one local listener per {@link Route}, each carrying what it accepts through
 * the egress proxy to the route's target (http mode: request by request; connect mode: a CONNECT
 * tunnel per connection). Start one with {@link #start(BridgeSettings)}; {@link #addresses()} are
 * the bound listen addresses in route order (port 0 binds a free port); {@link #close()} stops it
 * and releases its threads. Thread-safe; start and close must not be called on an event loop.
 *
 * <pre>{@code
 * BridgeSettings settings = BridgeSettings.defaults()            // proxy from HTTP_PROXY / http_proxy
 *         .withRoutes(List.of(Route.parse("127.0.0.1:54321=localhost:12434")));
 * try (Bridge bridge = Bridge.start(settings)) {
 *     System.out.println("bridge at " + bridge.addresses());
 * }
 * }</pre>
 */
public final class Bridge implements AutoCloseable {
    private final BridgeServer server;
    private final List<InetSocketAddress> addresses;
    private final BridgeSettings settings;

    private Bridge(BridgeServer server, List<InetSocketAddress> addresses, BridgeSettings settings) {
        this.server = server;
        this.addresses = List.copyOf(addresses);
        this.settings = settings;
    }

    /**
     * Binds every route and returns the running bridge; blocks the caller until all are bound.
     *
     * @throws BridgeConfigException when no route or no proxy is given, two routes share a listen
     *                               address, or a listen address cannot be bound (nothing is left
     *                               running then)
     */
    public static Bridge start(BridgeSettings settings) {
        BridgeServer.validate(settings);
        BridgeServer server = new BridgeServer(settings);
        return new Bridge(server, server.bind(), settings);
    }

    /** The bound listen addresses, in the order of {@link BridgeSettings#routes()}. */
    public List<InetSocketAddress> addresses() {
        return addresses;
    }

    /** The settings the bridge runs with. */
    public BridgeSettings settings() {
        return settings;
    }

    /** Stops listening, closes every connection and releases the bridge's threads. */
    @Override
    public void close() {
        server.close();
    }
}
