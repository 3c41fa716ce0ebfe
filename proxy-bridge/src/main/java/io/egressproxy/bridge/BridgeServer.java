package io.egressproxy.bridge;

import io.egressproxy.bridge.config.BridgeConfigException;
import io.egressproxy.bridge.config.BridgeSettings;
import io.egressproxy.bridge.config.Mode;
import io.egressproxy.bridge.config.Route;
import io.egressproxy.bridge.connect.ConnectInitializer;
import io.egressproxy.bridge.http.HttpBridgeInitializer;
import io.egressproxy.bridge.net.ProxyConnector;
import io.egressproxy.bridge.net.RouteContext;
import io.egressproxy.bridge.net.Transport;
import io.egressproxy.bridge.observe.AccessLog;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Binds one listener per route and owns the bridge's event loops and the small executor that
 * looks up the proxy's name. Built and bound by {@link Bridge}; {@link #close()} releases
 * everything it owns. Binding and closing happen on a caller's thread, never on an event loop.
 */
final class BridgeServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BridgeServer.class);

    private final BridgeSettings settings;
    private final Transport transport = Transport.select();
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private final ThreadPoolExecutor lookups;
    private final List<Channel> listeners = new ArrayList<>();

    BridgeServer(BridgeSettings settings) {
        this.settings = settings;
        this.acceptGroup = transport.newGroup(1, "bridge-accept");
        this.ioGroup = transport.newGroup(settings.ioThreads(), "bridge-io");
        // Proxy name look-ups block, so they run here; one thread is plenty, and idle it goes away.
        this.lookups = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(1024), r -> {
            Thread t = new Thread(r, "bridge-proxy-lookup");
            t.setDaemon(true);
            return t;
        });
        lookups.allowCoreThreadTimeOut(true);
    }

    /** Binds every route; on any failure closes what was bound and throws. Returns the bound addresses. */
    List<InetSocketAddress> bind() {
        ProxyConnector connector = new ProxyConnector(settings.requireProxy(), transport, settings, lookups);
        List<InetSocketAddress> bound = new ArrayList<>();
        try {
            for (Route route : settings.routes()) {
                bound.add(bind(route, new RouteContext(route, settings, connector)));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return bound;
    }

    private InetSocketAddress bind(Route route, RouteContext context) {
        InetSocketAddress wanted = new InetSocketAddress(route.listenHost(), route.listenPort());
        if (wanted.isUnresolved()) {
            throw new BridgeConfigException("route " + route + ": listen host '" + route.listenHost()
                    + "' is not an address of this machine");
        }
        boolean connect = route.mode() == Mode.CONNECT;
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        settings.limits().writeBufferLow(), settings.limits().writeBufferHigh()))
                .childHandler(connect ? new ConnectInitializer(context) : new HttpBridgeInitializer(context));
        ChannelFuture bind = bootstrap.bind(wanted).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            throw new BridgeConfigException("route " + route + ": cannot listen on " + route.listen() + ": "
                    + bind.cause().getMessage() + " (is another process using the port?)", bind.cause());
        }
        Channel channel = bind.channel();
        listeners.add(channel);
        InetSocketAddress address = (InetSocketAddress) channel.localAddress();
        log.info("bridge listening on {} -> {} through the egress proxy at {} ({} mode, {} transport)",
                AccessLog.address(address), route.target(), settings.requireProxy(), route.mode().word(), transport.name());
        return address;
    }

    /** Checks what can be checked before binding: routes given, proxy given, no listen address twice. */
    static void validate(BridgeSettings settings) {
        if (settings.routes().isEmpty()) {
            throw new BridgeConfigException("no routes given: pass --listen and --target, or --route LISTEN=TARGET"
                    + " (or set egress-proxy.bridge.routes)");
        }
        settings.requireProxy();
        Set<String> seen = new HashSet<>();
        for (Route route : settings.routes()) {
            if (route.listenPort() != 0 && !seen.add(route.listen())) {
                throw new BridgeConfigException("two routes listen on " + route.listen() + "; give each its own port");
            }
        }
    }

    @Override
    public void close() {
        for (Channel channel : listeners) {
            channel.close().syncUninterruptibly();
        }
        listeners.clear();
        acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        acceptGroup.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
        ioGroup.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
        lookups.shutdownNow();
    }
}
