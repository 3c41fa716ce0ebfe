package io.egressproxy.core;

import io.egressproxy.core.config.InvalidConfigException;
import io.egressproxy.core.config.ProxySettings;
import io.egressproxy.core.http.ClientInitializer;
import io.egressproxy.core.http.ProxyContext;
import io.egressproxy.core.net.Transport;
import io.egressproxy.core.net.UpstreamResolver;
import io.egressproxy.core.config.TlsSettings;
import io.egressproxy.core.identity.Sandboxes;
import io.egressproxy.core.tls.CertificateAuthority;
import io.egressproxy.core.tls.Interception;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Binds the proxy listener and owns its event-loop groups and resolver. Built and bound by
 * {@link EgressProxy}; {@link #close()} releases everything it owns. Start and close are called
 * from a user thread, never from an event loop.
 */
final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final ProxySettings settings;
    private final Transport transport;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup workerGroup;
    private final UpstreamResolver resolver;
    private final ProxyContext context;
    private Channel serverChannel;
    private final Interception interception;

    /** Loads or creates the CA (blocking file work, at start only) and the TLS contexts. */
    private static Interception interception(TlsSettings tls) {
        CertificateAuthority ca = tls.caCert() != null ? CertificateAuthority.load(tls.caCert(), tls.caKey())
                : CertificateAuthority.loadOrCreate(tls.caDir());
        Interception interception = new Interception(ca, tls.upstreamTrust(), tls.leafValidity(), tls.leafCacheSize(),
                tls.handshakeTimeout());
        log.info("interception CA {} ({}), TLS provider {}", ca.sha256Fingerprint(),
                ca.certificatePath() == null ? "in memory" : ca.certificatePath(), interception.provider());
        return interception;
    }

    ProxyServer(ProxySettings settings) {
        this.settings = settings;
        Sandboxes sandboxes = Sandboxes.from(settings);
        sandboxes.warnings().forEach(w -> log.warn("policy: {}", w));
        this.transport = Transport.select(settings.transport().preferNative());
        this.acceptGroup = transport.newGroup(1, "egress-proxy-accept");
        this.workerGroup = transport.newGroup(settings.transport().threads(), "egress-proxy-io");
        this.resolver = new UpstreamResolver(settings.dns(), transport);
        this.interception = settings.tls().intercept() == TlsSettings.InterceptMode.NONE ? null : interception(settings.tls());
        this.context = new ProxyContext(settings, sandboxes, transport, resolver, interception);
    }

    /** Binds the listener; blocks the calling thread until bound or failed. */
    InetSocketAddress bind() {
        InetSocketAddress wanted = new InetSocketAddress(settings.listen().host(), settings.listen().port());
        if (wanted.isUnresolved()) {
            throw new InvalidConfigException("egress-proxy.listen: host '" + settings.listen().host()
                    + "' is not an address of this machine");
        }
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, workerGroup)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        settings.limits().writeBufferLow(), settings.limits().writeBufferHigh()))
                .childHandler(new ClientInitializer(context));
        try {
            serverChannel = bootstrap.bind(wanted).syncUninterruptibly().channel();
        } catch (Exception e) { // bind failures arrive as unchecked native IOExceptions
            close();
            throw new InvalidConfigException("egress-proxy.listen: cannot listen on " + settings.listen() + ": "
                    + e.getMessage() + " (is another process using the port, or is the address not on this machine?)", e);
        }
        InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
        context.listenAddress(bound);
        log.info("egress-proxy listening on {} ({} transport)", format(bound), transport.name());
        return bound;
    }

    ProxyContext context() {
        return context;
    }

    Transport transport() {
        return transport;
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        acceptGroup.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
        workerGroup.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
        resolver.close();
        if (interception != null) {
            interception.close();
        }
    }

    static String format(InetSocketAddress address) {
        String ip = address.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + address.getPort();
    }
}
