package io.egressproxy.core;

import io.egressproxy.core.admin.AdminServer;
import io.egressproxy.core.admin.AdminServices;
import io.egressproxy.core.admin.AdminToken;
import io.egressproxy.core.config.InvalidConfigException;
import io.egressproxy.core.config.ProxySettings;
import io.egressproxy.core.config.TlsSettings;
import io.egressproxy.core.http.ClientInitializer;
import io.egressproxy.core.http.ProxyContext;
import io.egressproxy.core.identity.Sandboxes;
import io.egressproxy.core.live.Approvals;
import io.egressproxy.core.live.ConfigWatcher;
import io.egressproxy.core.live.PolicyStore;
import io.egressproxy.core.net.Transport;
import io.egressproxy.core.net.UpstreamResolver;
import io.egressproxy.core.observe.DecisionLog;
import io.egressproxy.core.observe.ProxyMetrics;
import io.egressproxy.core.observe.RequestEvents;
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
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Binds the proxy listener and the admin API, and owns everything a running proxy holds: event
 * loops, resolver, interception, live policy, approvals, config watcher. Start, reload and close
 * are called from user threads, never from an event loop.
 */
final class ProxyServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

    private final ProxySettings settings;
    private final Path configFile;
    private final Transport transport;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup workerGroup;
    private final UpstreamResolver resolver;
    private final Interception interception;
    private final RequestEvents events;
    private final ProxyContext context;
    private final PolicyStore policy;
    private final Approvals approvals;
    private Channel serverChannel;
    private final ClientInitializer clientInitializer;
    private final java.util.Map<String, Channel> sandboxListeners = new java.util.concurrent.ConcurrentHashMap<>();
    private AdminServer admin;
    private ConfigWatcher watcher;

    private final java.util.function.Supplier<com.typesafe.config.Config> reader;

    ProxyServer(ProxySettings configured, Path configFile, java.util.function.Supplier<com.typesafe.config.Config> reader) {
        this.configFile = configFile;
        this.reader = reader;
        this.settings = configured.admin().stateFile() == null && configFile != null
                ? configured.withStateFile(Path.of(configFile + ".state.json")) : configured;
        this.events = new RequestEvents(new ProxyMetrics(), new DecisionLog(settings.admin().recentDecisions()));
        this.interception = settings.tls().intercept() == TlsSettings.InterceptMode.NONE ? null : interception(settings.tls());
        Sandboxes initial = Sandboxes.from(settings);
        this.transport = Transport.select(settings.transport().preferNative());
        this.acceptGroup = transport.newGroup(1, "egress-proxy-accept");
        this.workerGroup = transport.newGroup(settings.transport().threads(), "egress-proxy-io");
        this.resolver = new UpstreamResolver(settings.dns(), transport);
        this.context = new ProxyContext(settings, initial, transport, resolver, interception, events);
        try {
            this.policy = new PolicyStore(settings, sandboxes -> {
                sandboxes.warnings().forEach(w -> log.warn("policy: {}", w));
                context.sandboxes(sandboxes);
            });
        } catch (RuntimeException e) {
            shutdownThreads();
            throw e;
        }
        this.approvals = new Approvals(policy, events);
        this.clientInitializer = new ClientInitializer(context);
        context.approvals(approvals);
        if (interception != null) {
            events.metrics().leafCache(interception.leaves()::cacheHits, interception.leaves()::cacheMisses);
        }
    }

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

    private ServerBootstrap bootstrap() {
        return new ServerBootstrap()
                .group(acceptGroup, workerGroup)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(
                        settings.limits().writeBufferLow(), settings.limits().writeBufferHigh()))
                .childHandler(clientInitializer);
    }

    /** Binds the proxy and admin listeners; blocks the calling thread until bound or failed. */
    InetSocketAddress bind() {
        InetSocketAddress wanted = new InetSocketAddress(settings.listen().host(), settings.listen().port());
        if (wanted.isUnresolved()) {
            close();
            throw new InvalidConfigException("egress-proxy.listen: host '" + settings.listen().host()
                    + "' is not an address of this machine");
        }
        try {
            serverChannel = bootstrap().bind(wanted).syncUninterruptibly().channel();
            if (settings.admin().enabled()) {
                AdminToken token = AdminToken.loadOrCreate(settings.admin().tokenFile());
                admin = new AdminServer(settings.admin(), transport,
                        new AdminServices(token, policy, approvals, events, this::reload, new Listeners()));
                context.adminAddress(admin.address());
            }
            if (configFile != null) {
                watcher = new ConfigWatcher(configFile, this::reloadQuietly);
            }
        } catch (InvalidConfigException e) {
            close();
            throw e;
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

    /**
     * Re-reads the config file and applies its policy, sandboxes and credential rules to new
     * requests (open connections are kept). Listen address, limits, TLS and admin settings need a
     * restart. An invalid file changes nothing.
     *
     * @throws InvalidConfigException saying what is wrong with the new file
     */
    synchronized String reload() {
        if (configFile == null) {
            throw new IllegalArgumentException("this proxy was started without a config file; there is nothing to reload");
        }
        try {
            ProxySettings fresh = ProxySettings.from(reader.get());
            policy.rebase(fresh.withStateFile(settings.admin().stateFile()));
            String note = "";
            if (!fresh.listen().equals(settings.listen()) || !fresh.limits().equals(settings.limits())
                    || !fresh.tls().equals(settings.tls()) || !java.util.Objects.equals(fresh.admin().listen(), settings.admin().listen())
                    || !fresh.dns().equals(settings.dns()) || fresh.transport() != null && !fresh.transport().equals(settings.transport())) {
                note = "; listen, limits, dns, tls, transport and admin settings changed too and apply only after a restart";
                log.warn("reload: listen, limits, dns, tls, transport and admin settings changed in {} only apply after a restart", configFile);
            }
            log.info("reloaded {}: policy, sandboxes and credential rules apply to new requests", configFile);
            return "reloaded " + configFile + ": policy, sandboxes and credential rules apply to new requests" + note;
        } catch (InvalidConfigException e) {
            log.error("reload of {} refused, the previous config stays in force: {}", configFile, e.getMessage());
            throw e;
        }
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            // already logged with the reason
        }
    }

    /** Per-sandbox listeners for the admin API: their clients are that sandbox (the launcher's per-network listener). */
    private final class Listeners implements AdminServices.SandboxListeners {
        @Override
        public synchronized String open(String sandbox, String listen) {
            if (!policy.sandboxNames().contains(sandbox)) {
                throw new IllegalArgumentException("no sandbox named '" + sandbox + "'; register it first (POST /v1/sandboxes)");
            }
            io.egressproxy.core.config.HostAndPort where = io.egressproxy.core.config.HostAndPort.parse(listen);
            close(sandbox);
            try {
                Channel channel = bootstrap().childAttr(ProxyContext.LISTENER_SANDBOX, sandbox)
                        .bind(new InetSocketAddress(where.host(), where.port())).syncUninterruptibly().channel();
                sandboxListeners.put(sandbox, channel);
                InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
                context.sandboxListener(bound, true);
                log.info("listener for sandbox {} on {}", sandbox, format(bound));
                return format(bound);
            } catch (Exception e) { // bind failures arrive as unchecked native IOExceptions
                throw new IllegalArgumentException("cannot listen on " + listen + " for sandbox '" + sandbox + "': " + e.getMessage());
            }
        }

        @Override
        public synchronized boolean close(String sandbox) {
            Channel channel = sandboxListeners.remove(sandbox);
            if (channel == null) {
                return false;
            }
            context.sandboxListener((InetSocketAddress) channel.localAddress(), false);
            channel.close().syncUninterruptibly();
            return true;
        }

        @Override
        public java.util.Map<String, String> list() {
            java.util.Map<String, String> view = new java.util.TreeMap<>();
            sandboxListeners.forEach((name, channel) -> view.put(name, format((InetSocketAddress) channel.localAddress())));
            return view;
        }
    }

    ProxyContext context() {
        return context;
    }

    Transport transport() {
        return transport;
    }

    InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    /**
     * Stops accepting, closes idle connections at once, lets in-flight requests and tunnels finish
     * for up to {@code limits.drain-timeout}, then closes what is left and releases all threads.
     */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        sandboxListeners.values().forEach(c -> c.close().syncUninterruptibly());
        sandboxListeners.clear();
        context.startDraining();
        for (Channel client : context.clients()) {
            if (!ProxyContext.isBusy(client)) {
                client.close();
            }
        }
        long deadline = System.nanoTime() + settings.limits().drainTimeout().toNanos();
        while (!context.clients().isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!context.clients().isEmpty()) {
            log.info("drain timeout: closing {} connection(s) still busy", context.clients().size());
            context.clients().close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (admin != null) {
            admin.close();
        }
        shutdownThreads();
    }

    private void shutdownThreads() {
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
