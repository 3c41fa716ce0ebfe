package io.egressproxy.core.http;

import io.egressproxy.core.observe.AccessLog;
import io.egressproxy.core.observe.AccessRecord;
import io.egressproxy.core.policy.Decision;
import io.egressproxy.core.policy.PolicyScope;
import io.egressproxy.core.tunnel.CountingRecvAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.util.concurrent.Future;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An allowed CONNECT: resolves and checks the target, connects, answers 200 and hands both
 * channels to a byte relay. A failure before the 200 is answered with the proxy's own error.
 * Logs one access line when the tunnel ends. Lives on the client's event loop.
 */
final class ConnectExchange {
    /** The relay is installed once the client has its 200; nothing else is needed before. */
    private static final ChannelInitializer<Channel> NO_HANDLERS = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
            // No handlers until the tunnel starts.
        }
    };

    /** As {@link #NO_HANDLERS}, and counting reads so the tunnel can be spliced. */
    private static final ChannelInitializer<Channel> SPLICEABLE = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
            CountingRecvAllocator.install(ch.config());
        }
    };

    private final ProxyRequestHandler owner;
    private final ChannelHandlerContext client;
    private final RequestTarget target;
    private final Decision decision;
    private final PolicyScope scope;
    private final String reportNote;
    private final UpstreamConnector connector;
    private final long startNanos = System.nanoTime();
    private boolean done;
    private final boolean intercept;
    private final ProxyContext context;

    ConnectExchange(ProxyRequestHandler owner, ChannelHandlerContext client, RequestTarget target, Decision decision,
                    PolicyScope scope, String reportNote, UpstreamConnector connector, boolean intercept, ProxyContext context) {
        this.context = context;
        this.intercept = intercept;
        this.owner = owner;
        this.client = client;
        this.target = target;
        this.decision = decision;
        this.scope = scope;
        this.reportNote = reportNote;
        this.connector = connector;
    }

    void start() {
        connector.permittedAddresses(target.host(), target.port(), client.channel().eventLoop(), scope)
                .addListener((Future<List<InetAddress>> f) -> {
                    if (done) {
                        return;
                    }
                    if (!f.isSuccess()) {
                        fail(f.cause());
                        return;
                    }
                    if (intercept) {
                        // Upstream connections are made per request inside, over verified TLS.
                        done = true;
                        log(reportNote != null ? "report" : "allow", 200, 0, 0, "intercepted", reportNote, decision.rule(), null);
                        owner.establishInterception(target, scope);
                        return;
                    }
                    connector.connect(client.channel().eventLoop(), target.host(), f.getNow(), target.port(),
                            context.splicesTunnels() ? SPLICEABLE : NO_HANDLERS, true).addListener((Future<Channel> c) -> connected(c));
                });
    }

    private void connected(Future<Channel> future) {
        if (done) {
            if (future.isSuccess()) {
                future.getNow().close();
            }
            return;
        }
        if (!future.isSuccess()) {
            fail(future.cause());
            return;
        }
        done = true;
        owner.establishTunnel(future.getNow(), this::record);
    }

    void clientClosed() {
        done = true;
        record(0, 0, "client-closed-before-connect");
    }

    private void fail(Throwable cause) {
        done = true;
        ProxyError error = cause instanceof UpstreamFailure u ? u.error() : ProxyError.CONNECT_FAILED;
        String reason = cause instanceof UpstreamFailure ? cause.getMessage()
                : "could not reach '" + target.authority() + "': " + cause.getClass().getSimpleName();
        String rule = cause instanceof UpstreamFailure u ? u.rule() : null;
        log(error == ProxyError.DENIED ? "deny" : "error", error.status().code(), 0, 0, "proxy-error", reason, rule, error.code());
        owner.answerWithError(error, reason, true, false);
    }

    private void record(long up, long down, String closeReason) {
        log(reportNote != null ? "report" : "allow", 200, up, down, closeReason, reportNote, decision.rule(), null);
    }

    private void log(String decisionWord, int status, long up, long down, String closeReason, String reason, String rule,
                     String errorCode) {
        context.events().record(new AccessRecord(owner.id(), Channels.remote(client.channel()), scope.sandbox(), "CONNECT",
                target.authority(), decisionWord, rule, status, up, down,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), closeReason, reason, errorCode));
    }
}
