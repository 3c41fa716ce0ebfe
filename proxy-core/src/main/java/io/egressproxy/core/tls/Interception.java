package io.egressproxy.core.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Everything TLS interception needs at run time: the CA, the leaf certificates it mints (off the
 * event loops, on a small named executor), one server {@link SslContext} per intercepted host
 * (cached, since building one is costly), and the verifying client context for upstreams.
 * Thread-safe; {@link #close()} stops the minting executor.
 */
public final class Interception implements AutoCloseable {
    private final CertificateAuthority ca;
    private final LeafCertificates leaves;
    private final SslProvider provider;
    private final SslContext upstreamContext;
    private final Duration handshakeTimeout;
    private final ExecutorService mintExecutor;
    private final Map<String, CompletableFuture<SslContext>> serverContexts;

    public Interception(CertificateAuthority ca, List<Path> upstreamTrust, Duration leafValidity, int cacheSize,
                        Duration handshakeTimeout) {
        this.ca = ca;
        this.provider = SslContexts.preferredProvider();
        this.handshakeTimeout = handshakeTimeout;
        this.mintExecutor = new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000), r -> {
            Thread t = new Thread(r, "egress-proxy-mint");
            t.setDaemon(true);
            return t;
        });
        this.leaves = new LeafCertificates(ca, cacheSize, leafValidity, mintExecutor);
        this.upstreamContext = SslContexts.upstreamClientContext(upstreamTrust, provider);
        this.serverContexts = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<SslContext>> eldest) {
                return size() > cacheSize;
            }
        };
    }

    /** The server context for an intercepted connection to {@code host}; completes off the caller's thread. */
    public CompletableFuture<SslContext> serverContextFor(String host) {
        synchronized (serverContexts) {
            CompletableFuture<SslContext> cached = serverContexts.get(host);
            if (cached != null && !cached.isCompletedExceptionally()) {
                return cached;
            }
            CompletableFuture<SslContext> context = leaves.leafFor(host)
                    .thenApplyAsync(leaf -> SslContexts.serverContextFor(leaf, provider), mintExecutor);
            serverContexts.put(host, context);
            return context;
        }
    }

    /** A verifying client-side handler for an upstream {@code host:port} (SNI for names, hostname checked). */
    public SslHandler upstreamHandler(ByteBufAllocator alloc, String host, int port) {
        SslHandler handler = SslContexts.upstreamHandler(upstreamContext, alloc, host, port);
        handler.setHandshakeTimeoutMillis(handshakeTimeout.toMillis());
        return handler;
    }

    public long handshakeTimeoutMillis() {
        return handshakeTimeout.toMillis();
    }

    public CertificateAuthority ca() {
        return ca;
    }

    public LeafCertificates leaves() {
        return leaves;
    }

    /** {@code OPENSSL} or {@code JDK}. */
    public SslProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        mintExecutor.shutdownNow();
    }
}
