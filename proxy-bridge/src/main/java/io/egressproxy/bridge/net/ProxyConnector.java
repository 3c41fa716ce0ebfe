package io.egressproxy.bridge.net;

import io.egressproxy.bridge.config.BridgeSettings;
import io.egressproxy.bridge.config.ProxyAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * Opens connections from the bridge to the egress proxy, on the event loop of the client
 * connection they serve (so the pair needs no locks). A proxy given by name (such as
 * {@code host.docker.internal}) is looked up with the JDK resolver (which honours /etc/hosts) on
 * {@code lookupExecutor}, never on the event loop. Failures become a {@link ProxyConnectException}
 * whose message names the proxy and the cause. Thread-safe.
 */
public final class ProxyConnector {
    private final ProxyAddress proxy;
    private final Transport transport;
    private final BridgeSettings settings;
    private final Executor lookupExecutor;
    private final InetAddress literal;

    public ProxyConnector(ProxyAddress proxy, Transport transport, BridgeSettings settings, Executor lookupExecutor) {
        this.proxy = proxy;
        this.transport = transport;
        this.settings = settings;
        this.lookupExecutor = lookupExecutor;
        this.literal = NetUtil.createInetAddressFromIpAddressString(proxy.host());
    }

    public ProxyAddress proxy() {
        return proxy;
    }

    /**
     * Connects to the proxy on {@code loop}, with {@code handler} as the new channel's handler,
     * autoRead off. Must be called on {@code loop}; the future completes there.
     *
     * @param halfClosure whether a FIN from the proxy only shuts this channel's input (tunnels)
     */
    public Future<Channel> connect(EventLoop loop, ChannelHandler handler, boolean halfClosure) {
        Promise<Channel> result = loop.newPromise();
        lookup(loop).addListener((Future<InetAddress> address) -> {
            if (!address.isSuccess()) {
                result.tryFailure(failure(address.cause()));
                return;
            }
            ChannelFuture connect = new Bootstrap()
                    .group(loop)
                    .channel(transport.socketChannel())
                    .resolver(NoopAddressResolverGroup.INSTANCE)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, halfClosure)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                            settings.connectTimeout().toMillis()))
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                            settings.limits().writeBufferLow(), settings.limits().writeBufferHigh()))
                    .handler(handler)
                    .connect(new InetSocketAddress(address.getNow(), proxy.port()));
            connect.addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    result.trySuccess(f.channel());
                } else {
                    result.tryFailure(failure(f.cause()));
                }
            });
        });
        return result;
    }

    private Future<InetAddress> lookup(EventLoop loop) {
        if (literal != null) {
            return loop.newSucceededFuture(literal);
        }
        Promise<InetAddress> promise = loop.newPromise();
        try {
            lookupExecutor.execute(() -> {
                try {
                    promise.trySuccess(InetAddress.getByName(proxy.host()));
                } catch (UnknownHostException | RuntimeException e) {
                    promise.tryFailure(e);
                }
            });
        } catch (RejectedExecutionException e) {
            promise.tryFailure(e);
        }
        return promise;
    }

    private ProxyConnectException failure(Throwable cause) {
        boolean timedOut = cause instanceof ConnectTimeoutException;
        return new ProxyConnectException("cannot reach the egress proxy at " + proxy.authority() + ": "
                + describe(cause), timedOut, cause);
    }

    /** A few words for a connect failure: what a person needs, without a stack trace. */
    private String describe(Throwable cause) {
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        if (cause instanceof ConnectTimeoutException) {
            return "connect timed out after " + settings.connectTimeout().toMillis() + " ms";
        }
        if (cause instanceof UnknownHostException) {
            return "unknown host '" + proxy.host() + "'";
        }
        if (cause instanceof RejectedExecutionException) {
            return "the bridge is shutting down";
        }
        if (message.toLowerCase(Locale.ROOT).contains("refused")) {
            return "connection refused";
        }
        if (cause instanceof NoRouteToHostException || message.toLowerCase(Locale.ROOT).contains("no route")) {
            return "no route to host";
        }
        if (cause instanceof ConnectException && !message.isEmpty()) {
            return message.replaceFirst("^[a-zA-Z]+\\(\\.\\.\\) failed: ", "").toLowerCase(Locale.ROOT);
        }
        return cause.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
