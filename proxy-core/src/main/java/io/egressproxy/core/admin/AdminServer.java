package io.egressproxy.core.admin;

import io.egressproxy.core.config.AdminSettings;
import io.egressproxy.core.config.InvalidConfigException;
import io.egressproxy.core.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.EventExecutorGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Binds the admin API on its own listener (TCP on loopback, or a Unix domain socket with epoll),
 * with its own one-thread event loop and a one-thread executor for the calls themselves.
 * Start and close from a user thread.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);

    private final EventLoopGroup group;
    private final EventExecutorGroup calls = new DefaultEventExecutorGroup(1);
    private final Channel channel;

    public AdminServer(AdminSettings settings, Transport transport, AdminServices services) {
        boolean unix = settings.unixSocket() != null;
        if (unix && !transport.isEpoll()) {
            throw new InvalidConfigException("egress-proxy.admin.listen: a unix: socket needs the native epoll transport;"
                    + " use a loopback HOST:PORT instead");
        }
        this.group = transport.newGroup(1, "egress-proxy-admin");
        AdminHandler handler = new AdminHandler(services, calls);
        ServerBootstrap bootstrap = new ServerBootstrap().group(group)
                .channel(unix ? EpollServerDomainSocketChannel.class : transport.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20));
                        ch.pipeline().addLast("admin", handler);
                    }
                });
        SocketAddress address = unix ? new DomainSocketAddress(settings.unixSocket().toFile())
                : new InetSocketAddress(settings.listen().host(), settings.listen().port());
        try {
            if (unix) {
                java.nio.file.Files.deleteIfExists(settings.unixSocket());
            }
            this.channel = bootstrap.bind(address).syncUninterruptibly().channel();
        } catch (Exception e) {
            close();
            throw new InvalidConfigException("egress-proxy.admin.listen: cannot listen on " + (unix ? "unix:" + settings.unixSocket()
                    : settings.listen()) + ": " + e.getMessage() + " (is another proxy running? set a free port or \"\" to disable)", e);
        }
        log.info("admin API on {}", unix ? "unix:" + settings.unixSocket() : format(address()));
    }

    /** The TCP address, or null for a Unix socket. */
    public InetSocketAddress address() {
        return channel != null && channel.localAddress() instanceof InetSocketAddress inet ? inet : null;
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        // Calls first: one still running answers through its connection's event loop.
        calls.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static String format(InetSocketAddress a) {
        return a == null ? "-" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
