package io.egressproxy.core.http;

import io.egressproxy.core.policy.Decision;
import io.egressproxy.core.policy.Host;
import io.egressproxy.core.policy.PolicyScope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves an upstream host once, checks every address against the policy (private-address
 * guard, address block entries, the proxy itself), and connects to a checked address — never
 * looking the name up again, so DNS rebinding cannot change where the connection goes. The
 * upstream channel is registered on the client's event loop so the two sides need no locking.
 * Stateless apart from the shared {@link ProxyContext}; call from the event loop.
 */
public final class UpstreamConnector {
    private static final Logger log = LoggerFactory.getLogger(UpstreamConnector.class);
    private final ProxyContext context;

    public UpstreamConnector(ProxyContext context) {
        this.context = context;
    }

    /**
     * The addresses of {@code host} that the policy permits for {@code port}, in resolver order.
     * Fails with an {@link UpstreamFailure}: DENIED when every address is refused, DNS_FAILED when
     * the name does not resolve.
     */
    public Future<List<InetAddress>> permittedAddresses(Host host, int port, EventLoop loop, PolicyScope policy) {
        Promise<List<InetAddress>> promise = loop.newPromise();
        context.resolver().resolveAll(host, loop).addListener((Future<List<InetAddress>> resolved) -> {
            if (!resolved.isSuccess()) {
                promise.setFailure(dnsFailure(host, resolved.cause()));
                return;
            }
            List<InetAddress> permitted = new ArrayList<>();
            UpstreamFailure firstRefusal = null;
            for (InetAddress address : resolved.getNow()) {
                UpstreamFailure refusal = refusal(policy, host, port, address);
                if (refusal == null) {
                    permitted.add(address);
                } else if (firstRefusal == null) {
                    firstRefusal = refusal;
                }
            }
            // Report mode relaxes the lists and rules only: the address guard keeps refusing
            // private and metadata addresses, since what it protects cannot be "reported" back.
            if (permitted.isEmpty()) {
                promise.setFailure(firstRefusal != null ? firstRefusal
                        : new UpstreamFailure(ProxyError.DNS_FAILED, "host '" + host.name() + "' has no addresses", null));
            } else {
                promise.setSuccess(permitted);
            }
        });
        return promise;
    }

    private UpstreamFailure refusal(PolicyScope policy, Host host, int port, InetAddress address) {
        if (context.isSelf(address, port)) {
            return new UpstreamFailure(ProxyError.DENIED, "'" + host.name() + ":" + port + "' is this proxy's own listener ("
                    + address.getHostAddress() + "); the proxy never connects to itself", null);
        }
        Decision decision = policy.checkAddress(host, port, address);
        return decision.allowed() ? null : new UpstreamFailure(ProxyError.DENIED, decision.reason(), decision.rule());
    }

    /**
     * Connects to the first of {@code addresses} that accepts, with {@code initializer} as the
     * upstream pipeline. {@code halfClosure} keeps a channel open after the upstream's FIN (tunnels).
     */
    public Future<Channel> connect(EventLoop loop, Host host, List<InetAddress> addresses, int port,
                                   ChannelHandler initializer, boolean halfClosure) {
        Promise<Channel> promise = loop.newPromise();
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(context.transport().socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        Math.max(1, context.settings().limits().connectTimeout().toMillis())))
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, halfClosure)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        context.settings().limits().writeBufferLow(), context.settings().limits().writeBufferHigh()))
                .handler(initializer);
        tryConnect(bootstrap, host, addresses, 0, port, promise, null);
        return promise;
    }

    private void tryConnect(Bootstrap bootstrap, Host host, List<InetAddress> addresses, int index, int port,
                            Promise<Channel> promise, Throwable lastCause) {
        if (index >= addresses.size()) {
            promise.setFailure(connectFailure(host, port, addresses.get(addresses.size() - 1), lastCause));
            return;
        }
        InetAddress address = addresses.get(index);
        long started = System.nanoTime();
        ChannelFuture future = bootstrap.connect(new InetSocketAddress(address, port));
        future.addListener((ChannelFuture f) -> {
            if (f.isSuccess()) {
                context.events().metrics().upstreamConnected(System.nanoTime() - started);
                if (!promise.trySuccess(f.channel())) {
                    f.channel().close();
                }
            } else if (f.cause() instanceof ConnectTimeoutException) {
                promise.setFailure(connectFailure(host, port, address, f.cause()));
            } else {
                tryConnect(bootstrap, host, addresses, index + 1, port, promise, f.cause());
            }
        });
    }

    private UpstreamFailure connectFailure(Host host, int port, InetAddress address, Throwable cause) {
        String where = "'" + host.name() + ":" + port + "'"
                + (host.isLiteral() ? "" : " (" + address.getHostAddress() + ")");
        if (cause instanceof ConnectTimeoutException) {
            return new UpstreamFailure(ProxyError.CONNECT_TIMEOUT, "connecting to " + where + " timed out after "
                    + context.settings().limits().connectTimeout().toMillis() + " ms (egress-proxy.limits.connect-timeout)", null);
        }
        if (cause instanceof ConnectException) {
            return new UpstreamFailure(ProxyError.CONNECT_REFUSED, "connection to " + where
                    + " was refused: nothing is listening there, or a firewall rejected it", null);
        }
        return new UpstreamFailure(ProxyError.CONNECT_FAILED, "could not connect to " + where + ": "
                + (cause == null ? "unknown error" : cause.getClass().getSimpleName()), null);
    }

    private static UpstreamFailure dnsFailure(Host host, Throwable cause) {
        String detail = cause instanceof UnknownHostException ? "no such name, or no answer from DNS"
                : cause == null ? "unknown error" : cause.getClass().getSimpleName();
        return new UpstreamFailure(ProxyError.DNS_FAILED, "could not resolve host '" + host.name() + "' (" + detail
                + "); check the name, or pin it with egress-proxy.dns.hosts", null);
    }
}
