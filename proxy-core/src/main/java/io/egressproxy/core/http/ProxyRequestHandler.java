package io.egressproxy.core.http;

import io.egressproxy.core.observe.AccessLog;
import io.egressproxy.core.observe.AccessRecord;
import io.egressproxy.core.observe.ConnectionId;
import io.egressproxy.core.identity.Identification;
import io.egressproxy.core.inject.CredentialRule;
import io.egressproxy.core.tls.Interception;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.ssl.SniHandler;
import io.egressproxy.core.policy.Decision;
import io.egressproxy.core.policy.DefaultAction;
import io.egressproxy.core.policy.PolicyScope;
import io.egressproxy.core.tunnel.Tunnel;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's per-connection request loop. Reads one request at a time (autoRead is off and the
 * {@code FlowControlHandler} before this handler holds what the decoder produced), checks it,
 * asks the policy, and either answers it itself (errors, denials) or hands it to a
 * {@link ForwardExchange} or {@link ConnectExchange}. The next request is read only once the
 * previous response is complete, so pipelined requests are answered in order and each is checked
 * on its own. Not sharable; confined to the connection's event loop.
 *
 * <p>It is longer than a handler should be because it owns the connection's phases, which must
 * hand over to each other atomically on the event loop: reading and checking a request, answering
 * it or starting an exchange, and switching the pipeline to a relay or to interception. The
 * per-request work itself lives in {@link ForwardExchange}, {@link ConnectExchange},
 * {@link RequestTarget} and {@link RequestChecks}.
 */
final class ProxyRequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ProxyRequestHandler.class);

    private final ProxyContext context;
    private final ExchangeServices services;
    private final ConnectionId id = ConnectionId.next();
    private ChannelHandlerContext ctx;
    private ForwardExchange exchange;
    private ConnectExchange connect;
    private HttpVersion clientVersion = HttpVersion.HTTP_1_1;
    private boolean discardingBody;
    private boolean closing;
    private boolean inputShutdown;
    private List<Object> bytesAhead;
    private boolean httpAhead;
    /** A read was asked for and no message has arrived yet (see {@link #channelReadComplete}). */
    private boolean readWanted;
    private PolicyScope scope;
    private final List<Object> earlyTunnelBytes = new ArrayList<>(0);

    private final InterceptedTunnel inner;

    ProxyRequestHandler(ProxyContext context, UpstreamConnector connector, UpstreamPool pool) {
        this(context, connector, pool, null);
    }

    /** A handler for the requests inside an intercepted tunnel ({@code inner} non-null). */
    private ProxyRequestHandler(ProxyContext context, UpstreamConnector connector, UpstreamPool pool, InterceptedTunnel inner) {
        this.context = context;
        this.inner = inner;
        this.services = new ExchangeServices(connector, pool,
                new UpstreamInitializer(context.settings().limits()), context.settings().limits().responseTimeout(), context);
    }

    ConnectionId id() {
        return id;
    }

    HttpVersion clientVersion() {
        return clientVersion;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (inner != null && ctx.channel().isActive()) {
            readFromClient();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        readFromClient();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (bytesAhead != null) {
            collectAhead(msg);
            return;
        }
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (connect != null) {
            // Bytes after a CONNECT head, before the tunnel exists: kept for the tunnel (the
            // decoder passes them through unparsed, see ProxyRequestDecoder).
            if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
                earlyTunnelBytes.add(bytes);
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (exchange == null && !discardingBody && msg instanceof LastHttpContent last && !(msg instanceof HttpRequest)
                && !last.content().isReadable()) {
            // The empty end of a request already answered (e.g. the CONNECT before interception):
            // nothing to do, and the read that delivered it is still wanted.
            last.release();
            ctx.read();
            return;
        }
        readWanted = false;
        if (msg instanceof HttpRequest request) {
            ReferenceCountUtil.release(msg); // only an invalid request is also content; a head holds no buffer
            onRequest(request);
        } else if (msg instanceof HttpContent content) {
            onContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onContent(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            // A body the parser could not read (bad chunk size, bare CR/LF...): what follows can no
            // longer be framed, so nothing more is forwarded and both connections end.
            BadRequestException e = RequestChecks.decoderFailure(content.decoderResult());
            content.release();
            if (exchange != null) {
                exchange.clientBodyMalformed(e.getMessage());
            } else {
                answerWithError(ProxyError.BAD_REQUEST, e.getMessage(), true, false);
            }
            return;
        }
        if (exchange != null && !discardingBody) {
            exchange.onClientContent(content);
            return;
        }
        boolean last = content instanceof LastHttpContent;
        content.release();
        if (last && discardingBody) {
            discardingBody = false;
            if (exchange == null && connect == null) {
                readNextRequest();
            }
        } else if (discardingBody) {
            readFromClient();
        }
    }

    private void onRequest(HttpRequest request) {
        clientVersion = request.protocolVersion();
        scope = null;
        if (request.decoderResult().isFailure()) {
            BadRequestException e = RequestChecks.decoderFailure(request.decoderResult());
            refuse(request, null, e.error(), e.getMessage(), null, true);
            return;
        }
        if (HttpVersion.HTTP_1_1.equals(clientVersion) && !request.headers().contains(HttpHeaderNames.HOST) && inner == null
                && !HttpMethod.CONNECT.equals(request.method())) {
            refuse(request, null, ProxyError.BAD_REQUEST, "an HTTP/1.1 request needs a Host header", null, true);
            return;
        }
        if (!HttpVersion.HTTP_1_1.equals(clientVersion) && !HttpVersion.HTTP_1_0.equals(clientVersion)) {
            refuse(request, null, ProxyError.BAD_REQUEST, "unsupported HTTP version; this proxy speaks HTTP/1.1 (and 1.0)",
                    null, true);
            return;
        }
        if (inner != null) {
            onInnerRequest(request);
            return;
        }
        RequestTarget target;
        try {
            RequestChecks.checkHeaders(request);
            if (HttpMethod.CONNECT.equals(request.method())) {
                target = RequestTarget.parseConnect(request.uri());
            } else {
                target = RequestTarget.parseAbsolute(request.uri());
                RequestChecks.checkHost(request, target, 80);
            }
        } catch (BadRequestException e) {
            refuse(request, null, e.error(), e.getMessage(), null, true);
            return;
        }
        String listenerSandbox = ctx.channel().attr(ProxyContext.LISTENER_SANDBOX).get();
        Identification identity = listenerSandbox != null ? context.sandboxes().identifyAs(listenerSandbox)
                : context.sandboxes().identify(clientAddress(), request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION));
        if (identity.mustAuthenticate()) {
            if (identity.kind() == Identification.Kind.REJECTED) {
                log.info("{} proxy credentials from {} were rejected", id, Channels.remote(ctx.channel()));
            }
            refuse(request, target, ProxyError.PROXY_AUTH_REQUIRED, identity.problem(), null, false);
            return;
        }
        scope = identity.scope();
        boolean connectRequest = HttpMethod.CONNECT.equals(request.method());
        Decision decision = scope.decide(target.host(), target.port());
        if (decision.allowed() && !connectRequest) {
            Decision l7 = scope.checkRequest(target.host(), target.port(), request.method().name(), target.pathAndQuery());
            decision = l7.allowed() ? decision : l7;
        }
        String reportNote = null;
        if (!decision.allowed() && decision.rule() == null && scope.defaultAction() == DefaultAction.ASK && !scope.reportOnly()
                && context.approvals() != null) {
            holdForApproval(request, target, connectRequest);
            return;
        }
        if (!decision.allowed()) {
            if (!scope.reportOnly()) {
                refuse(request, target, ProxyError.DENIED, decision.reason(), decision.rule(), false);
                return;
            }
            reportNote = "would deny: " + decision.reason();
        }
        proceed(request, target, decision, reportNote, connectRequest);
    }

    /**
     * policy.default = ask: the request waits (nothing more is read from the client) until a
     * person answers through the approvals API, or the ask-timeout denies it.
     */
    private void holdForApproval(HttpRequest request, RequestTarget target, boolean connectRequest) {
        ProxyContext.busy(ctx.channel(), true);
        PolicyScope heldScope = scope;
        log.info("{} holding {} {} for approval", id, request.method(), target.authority());
        io.netty.util.concurrent.Future<io.egressproxy.core.live.Approvals.Outcome> held = context.approvals().request(
                heldScope.sandbox(), target.host().name(), target.port(), request.method().name(),
                context.sandboxes().askTimeout(), ctx.channel().eventLoop());
        // A client that goes away while held leaves the pending list at once.
        ctx.channel().closeFuture().addListener(closed -> context.approvals().cancel(held));
        held.addListener(f -> {
                    if (!ctx.channel().isActive()) {
                        return;
                    }
                    io.egressproxy.core.live.Approvals.Outcome outcome = (io.egressproxy.core.live.Approvals.Outcome) f.getNow();
                    // A remembered answer changed the policy: take the scope in force now.
                    String listenerSandbox = ctx.channel().attr(ProxyContext.LISTENER_SANDBOX).get();
                    Identification now = listenerSandbox != null ? context.sandboxes().identifyAs(listenerSandbox)
                            : context.sandboxes().identify(clientAddress(), request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION));
                    scope = now.scope() != null ? now.scope() : heldScope;
                    if (outcome.allowed()) {
                        proceed(request, target, Decision.allow(null, outcome.reason()), null, connectRequest);
                    } else {
                        refuse(request, target, ProxyError.DENIED, outcome.reason(), null, false);
                    }
                });
    }

    private void proceed(HttpRequest request, RequestTarget target, Decision decision, String reportNote, boolean connectRequest) {
        ProxyContext.busy(ctx.channel(), true);
        if (connectRequest) {
            boolean intercept = context.intercepts(scope, target);
            connect = new ConnectExchange(this, ctx, target, decision, scope, reportNote, services.connector(), intercept, context);
            connect.start();
        } else {
            forward(request, target, decision, reportNote, false);
        }
    }

    /** Starts forwarding, after the credential checks that apply to this host. */
    private void forward(HttpRequest request, RequestTarget target, Decision decision, String reportNote, boolean tls) {
        List<CredentialRule> credentials = scope.credentialsFor(target.host(), target.port());
        for (CredentialRule rule : credentials) {
            if (!rule.hasSecret()) {
                refuse(request, target, ProxyError.CREDENTIAL_UNAVAILABLE, "credential rule '" + rule.name()
                        + "' for this host has no secret (its variable or file was not set when the proxy started);"
                        + " set it and restart the proxy", null, false);
                return;
            }
            if (!tls && !rule.allowPlainHttp()) {
                refuse(request, target, ProxyError.DENIED, "refusing to send the credential of rule '" + rule.name()
                        + "' over plain HTTP to '" + target.host().name() + "'; use https:// (or set allow-plain-http = true on the rule)",
                        null, false);
                return;
            }
        }
        exchange = new ForwardExchange(this, ctx, request, target, decision, scope, reportNote, services, tls, credentials);
        exchange.start();
    }

    /** A request inside an intercepted tunnel: bound to the CONNECT's host, port and scope. */
    private void onInnerRequest(HttpRequest request) {
        scope = inner.scope();
        RequestTarget target;
        try {
            RequestChecks.checkHeaders(request);
            target = RequestTarget.parseInner(request, inner.connectTarget());
        } catch (BadRequestException e) {
            refuse(request, null, e.error(), e.getMessage(), null, e.error() != ProxyError.MISDIRECTED);
            return;
        }
        Decision decision = scope.decide(target.host(), target.port());
        if (decision.allowed()) {
            Decision l7 = scope.checkRequest(target.host(), target.port(), request.method().name(), target.pathAndQuery());
            decision = l7.allowed() ? decision : l7;
        }
        String reportNote = null;
        if (!decision.allowed()) {
            if (!scope.reportOnly()) {
                refuse(request, target, ProxyError.DENIED, decision.reason(), decision.rule(), false);
                return;
            }
            reportNote = "would deny: " + decision.reason();
        }
        forward(request, target, decision, reportNote, true);
    }

    /** CONNECT allowed and to be intercepted: answer 200, then speak TLS as the host and HTTP inside. */
    void establishInterception(RequestTarget target, PolicyScope tunnelScope) {
        connect = null;
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                new HttpResponseStatus(200, "Connection established")));
        bytesAhead = new ArrayList<>();
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.remove(PipelineNames.FLOW_CONTROL);
        pipeline.remove(PipelineNames.HTTP_CODEC);
        List<Object> ahead = new ArrayList<>(earlyTunnelBytes);
        ahead.addAll(bytesAhead);
        earlyTunnelBytes.clear();
        bytesAhead = null;
        if (httpAhead) {
            ahead.forEach(ReferenceCountUtil::release);
            closing = true;
            Channels.closeOnFlush(ctx.channel());
            return;
        }
        Interception interception = context.interception();
        pipeline.addBefore(PipelineNames.PROXY_REQUEST, PipelineNames.TLS, new SniHandler(
                new InterceptMapping(interception, target.host(), id), interception.handshakeTimeoutMillis()));
        pipeline.addBefore(PipelineNames.PROXY_REQUEST, PipelineNames.HTTP_CODEC,
                new HttpServerCodec(ClientInitializer.decoderConfig(context.settings().limits())));
        pipeline.addBefore(PipelineNames.PROXY_REQUEST, PipelineNames.FLOW_CONTROL, new FlowControlHandler());
        pipeline.replace(this, PipelineNames.PROXY_REQUEST, new ProxyRequestHandler(context, services.connector(), services.pool(),
                new InterceptedTunnel(target, tunnelScope)));
        for (Object bytes : ahead) {
            pipeline.fireChannelRead(bytes);
        }
    }

    private java.net.InetAddress clientAddress() {
        return ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress inet ? inet.getAddress() : null;
    }

    /** The sandbox (or global) scope of the current request, for logs. */
    /**
     * The sandbox to log a request under: its scope once identified, else the sandbox whose
     * listener it came in on, so that a request refused before identification (a malformed or
     * origin-form request) still shows up in that sandbox's decisions.
     */
    String sandboxLabel() {
        return scope != null ? scope.sandbox() : ctx.channel().attr(ProxyContext.LISTENER_SANDBOX).get();
    }

    /** Answers a request the proxy will not forward, and logs it. */
    private void refuse(HttpRequest request, RequestTarget target, ProxyError error, String reason, String rule,
                        boolean alwaysClose) {
        boolean hasBody = hasBody(request);
        boolean close = alwaysClose || hasBody || !HttpUtil.isKeepAlive(request) || inputShutdown
                || HttpMethod.CONNECT.equals(request.method());
        String shownTarget = target == null ? "-" : HttpMethod.CONNECT.equals(request.method())
                ? target.authority() : (inner != null ? "https://" : "http://") + target.authority() + pathOnly(target.pathAndQuery());
        context.events().record(new AccessRecord(id, Channels.remote(ctx.channel()), sandboxLabel(), safeMethod(request), shownTarget,
                error == ProxyError.DENIED || error == ProxyError.PROXY_AUTH_REQUIRED ? "deny" : "error", rule,
                error.status().code(), 0, 0, 0, close ? "proxy-error" : "keep-alive", reason, error.code()));
        answerWithError(error, reason, close, !close);
    }

    /**
     * Sends the proxy's own error response. With {@code close} the connection ends after it;
     * otherwise the rest of the current request (its empty last part) is read and dropped, and the
     * next request is read.
     */
    void answerWithError(ProxyError error, String reason, boolean close, boolean discardRest) {
        exchange = null;
        connect = null;
        ProxyContext.busy(ctx.channel(), false);
        boolean closeNow = close || inputShutdown || context.draining();
        ctx.writeAndFlush(ErrorResponses.of(error, reason, closeNow, ctx.alloc()));
        if (closeNow) {
            closing = true;
            Channels.closeOnFlush(ctx.channel());
        } else if (discardRest) {
            discardingBody = true;
            readFromClient();
        } else {
            readNextRequest();
        }
    }

    /** The current exchange ended with a complete response. */
    void exchangeFinished(boolean closeClient) {
        exchange = null;
        ctx.flush();
        ProxyContext.busy(ctx.channel(), false);
        if (closeClient || inputShutdown || context.draining()) {
            closing = true;
            Channels.closeOnFlush(ctx.channel());
        } else {
            readNextRequest();
        }
    }

    private void readNextRequest() {
        readFromClient();
    }

    /** Asks for the next message from the client; exchanges call this to pull request bodies. */
    void readFromClient() {
        readWanted = true;
        if (!inputShutdown) { // after the client's FIN there is nothing to read (and see RelayHandler)
            ctx.read();
        }
    }

    /** CONNECT succeeded upstream: answer 200 and become a relay. */
    void establishTunnel(Channel upstream, Tunnel.EndListener onEnd) {
        connect = null;
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                new HttpResponseStatus(200, "Connection established")));
        switchToTunnel(upstream, onEnd);
    }

    /**
     * Replaces HTTP handling on both channels with a byte relay (after a CONNECT 200 or a 101).
     * Bytes the client sent ahead that the decoder had not parsed are passed on; if the decoder had
     * already parsed them as HTTP, they cannot be passed on intact, so the connection is closed.
     */
    void switchToTunnel(Channel upstream, Tunnel.EndListener onEnd) {
        exchange = null;
        bytesAhead = new ArrayList<>();
        ChannelPipeline pipeline = ctx.pipeline();
        pipeline.remove(PipelineNames.FLOW_CONTROL);
        pipeline.remove(PipelineNames.HTTP_CODEC);
        List<Object> ahead = new ArrayList<>(earlyTunnelBytes);
        ahead.addAll(bytesAhead);
        earlyTunnelBytes.clear();
        bytesAhead = null;
        if (httpAhead) {
            log.debug("{} client sent data before the tunnel was established; closing", id);
            ahead.forEach(ReferenceCountUtil::release);
            upstream.close();
            Channels.closeOnFlush(ctx.channel());
            onEnd.ended(0, 0, "client-data-before-tunnel");
            return;
        }
        ChannelPipeline upstreamPipeline = upstream.pipeline();
        if (upstreamPipeline.get(PipelineNames.HTTP_CODEC) != null) {
            upstreamPipeline.remove(PipelineNames.HTTP_CODEC);
        }
        if (upstreamPipeline.get(PipelineNames.UPSTREAM_RESPONSE) != null) {
            upstreamPipeline.remove(PipelineNames.UPSTREAM_RESPONSE);
        }
        pipeline.remove(this);
        Tunnel.SpliceOption splice = context.splicesTunnels()
                ? new Tunnel.SpliceOption(true, PipelineNames.IDLE, context.settings().limits().idleTimeout().toMillis())
                : Tunnel.SpliceOption.NEVER;
        new Tunnel(ctx.channel(), upstream, onEnd, splice).start(PipelineNames.RELAY, ahead);
    }

    private void collectAhead(Object msg) {
        if (msg instanceof ByteBuf bytes) {
            if (bytes.isReadable()) {
                bytesAhead.add(bytes);
            } else {
                bytes.release();
            }
        } else {
            boolean emptyLast = msg instanceof LastHttpContent last && !last.content().isReadable()
                    && last.trailingHeaders().isEmpty();
            httpAhead |= !emptyLast;
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // FlowControlHandler counts a read as satisfied by a read-complete even when the socket
        // read produced no whole message (e.g. half a request body), so ask again.
        if (readWanted && !closing) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientClosed();
            exchange = null;
        }
        if (connect != null) {
            connect.clientClosed();
            connect = null;
        }
        earlyTunnelBytes.forEach(ReferenceCountUtil::release);
        earlyTunnelBytes.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            if (exchange != null && !exchange.requestComplete()) {
                // The client left in the middle of its body; the request can never complete.
                exchange.clientClosed();
                exchange = null;
                closing = true;
                ctx.close();
                return;
            }
            if (exchange == null && connect == null) {
                closing = true;
                Channels.closeOnFlush(ctx.channel());
            }
        } else if (evt instanceof IdleStateEvent) {
            log.debug("{} idle for {} ms; closing", id, context.settings().limits().idleTimeout().toMillis());
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (closing) {
            return;
        }
        closing = true;
        if (cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() instanceof javax.net.ssl.SSLException) {
            log.info("{} TLS with the client failed: {}", id, cause.getCause().getMessage());
        } else if (cause instanceof IOException) {
            log.debug("{} client connection failed: {}", id, cause.toString());
        } else {
            log.warn("{} unexpected error on client connection", id, cause);
        }
        ctx.close();
    }

    /** Whether the request announces a body; an unreadable Content-Length counts as one (the stream is suspect). */
    static boolean hasBody(HttpRequest request) {
        if (HttpUtil.isTransferEncodingChunked(request)) {
            return true;
        }
        try {
            return HttpUtil.getContentLength(request, 0L) > 0;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static String pathOnly(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    private static String safeMethod(HttpRequest request) {
        String name = request.method().name();
        return name.length() > 16 || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? "-" : name;
    }

    static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
