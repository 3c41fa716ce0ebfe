package io.egressproxy.bridge.http;

import io.egressproxy.bridge.net.ProxyConnectException;
import io.egressproxy.bridge.net.RouteContext;
import io.egressproxy.bridge.observe.AccessLog;
import io.egressproxy.bridge.observe.ConnectionId;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The request loop of one client connection in http mode. Reads one request at a time (autoRead
 * off, {@code FlowControlHandler} in front), rewrites it for the proxy, sends it on this
 * connection's own keep-alive connection to the egress proxy (made on first use, on the same
 * event loop), and streams request and response bodies through as they come, flushing the
 * response once per read so server-sent events reach the client one by one. Backpressure both
 * ways: the client is read only while the proxy connection is writable, and the proxy only while
 * the client is. While a response streams, the client is read for one message so that a closed
 * client is noticed at once; a pipelined next request is parked until the response is done.
 * Failures of the bridge itself are answered by {@link BridgeErrors}; the proxy's own answers
 * (403 and friends) pass through unchanged. Ends every exchange with one access-log line.
 * Longer than the usual handler because the two connections' states move together; the
 * per-exchange state lives in {@link Exchange} and all rewriting in the rewriter classes. Not
 * sharable; confined to the client's event loop.
 */
final class ClientRequestHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ClientRequestHandler.class);

    private final RouteContext route;
    private final ConnectionId id = ConnectionId.next();
    private ChannelHandlerContext ctx;
    private Channel upstream;
    private Exchange exchange;
    /** A pipelined request head that arrived while the previous response was still streaming. */
    private HttpRequest parked;
    /** A read was asked for and no message has arrived yet. */
    private boolean readWanted;
    private boolean clientReadPaused;
    private boolean upstreamReadPaused;
    private boolean clientInputDone;
    private boolean closed;

    ClientRequestHandler(RouteContext route) {
        this.route = route;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        readClient();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readWanted = false;
        if (closed) {
            ReferenceCountUtil.release(msg);
        } else if (msg instanceof HttpRequest request) {
            if (exchange != null && parked == null && !request.decoderResult().isFailure()) {
                parked = request;
            } else {
                onRequest(request);
            }
        } else if (msg instanceof HttpContent content) {
            onContent(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequest(HttpRequest request) {
        if (exchange != null) {
            // Only a malformed message can get here while an exchange is open: the stream is lost.
            ReferenceCountUtil.release(request);
            closeBoth("bad-request");
            return;
        }
        exchange = new Exchange(request);
        if (request.decoderResult().isFailure()) {
            ReferenceCountUtil.release(request); // an invalid request is a full message with empty content
            exchange.requestDone = true; // the decoder drops everything after a malformed message
            Throwable cause = request.decoderResult().cause();
            answerError(BridgeErrors.Kind.BAD_REQUEST, "malformed request: "
                    + (cause == null || cause.getMessage() == null ? "cannot be parsed" : cause.getMessage()));
            return;
        }
        if (HttpMethod.CONNECT.equals(request.method())) {
            answerError(BridgeErrors.Kind.METHOD_NOT_ALLOWED, "this bridge route forwards plain HTTP requests to "
                    + route.route().target() + "; CONNECT needs a route in connect mode");
            return;
        }
        try {
            RequestRewriter.toProxy(request, route.route().target(), route.connector().proxy().credentials());
        } catch (IllegalArgumentException e) {
            answerError(BridgeErrors.Kind.BAD_REQUEST, "malformed request: " + e.getMessage());
            return;
        }
        if (upstream != null && upstream.isActive()) {
            exchange.onReusedUpstream = true;
            sendHead(request);
        } else {
            exchange.pendingHead = request;
            connectUpstream();
        }
    }

    private void connectUpstream() {
        route.connector().connect(ctx.channel().eventLoop(),
                HttpBridgeInitializer.upstream(this, route.settings().limits()), false)
                .addListener((Future<Channel> f) -> connected(f));
    }

    private void connected(Future<Channel> future) {
        if (closed || exchange == null) {
            if (future.isSuccess()) {
                future.getNow().close();
            }
            return;
        }
        if (!future.isSuccess()) {
            Throwable cause = future.cause();
            log.warn("{} route {}: {}", id, AccessLog.address(ctx.channel().localAddress()), cause.getMessage());
            boolean timedOut = cause instanceof ProxyConnectException p && p.timedOut();
            answerError(timedOut ? BridgeErrors.Kind.PROXY_TIMEOUT : BridgeErrors.Kind.PROXY_UNREACHABLE, cause.getMessage());
            return;
        }
        upstream = future.getNow();
        HttpRequest head = exchange.pendingHead;
        exchange.pendingHead = null;
        sendHead(head);
    }

    private void sendHead(HttpRequest head) {
        Channel ch = upstream;
        exchange.sentHead = head;
        ch.write(head).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (exchange.retried) {
            // The body was complete and empty the first time; end it the same way.
            ch.write(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
        ch.flush();
        ch.read();
        readClient();
    }

    private void onContent(HttpContent content) {
        Exchange e = exchange;
        if (e == null || e.requestDone) {
            content.release();
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (content.decoderResult().isFailure()) {
            content.release();
            e.requestDone = true;
            answerError(BridgeErrors.Kind.BAD_REQUEST, "malformed request body: " + content.decoderResult().cause().getMessage());
            return;
        }
        if (e.discarding || upstream == null) {
            content.release();
            if (last) {
                e.requestDone = true;
                finish();
            } else {
                readClient();
            }
            return;
        }
        e.bytesUp += content.content().readableBytes();
        e.requestDone = last;
        upstream.writeAndFlush(content).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (last && e.responseDone) {
            finish();
        } else if (last || upstream.isWritable()) {
            readClient();
        } else {
            clientReadPaused = true;
        }
    }

    /** A response head from the proxy connection {@code from}. */
    void responseHead(Channel from, HttpResponse response) {
        Exchange e = exchange;
        if (from != upstream || e == null || e.responseStarted) {
            ReferenceCountUtil.release(response);
            log.debug("{} unexpected response from the egress proxy; dropping that connection", id);
            from.close();
            return;
        }
        if (response.decoderResult().isFailure()) {
            ReferenceCountUtil.release(response);
            answerError(BridgeErrors.Kind.PROXY_BAD_RESPONSE, "the egress proxy at " + route.connector().proxy()
                    + " sent a malformed response: " + response.decoderResult().cause().getMessage());
            return;
        }
        int code = response.status().code();
        if (code == 101) {
            // The bridge never forwards Upgrade, so a protocol switch cannot be relayed.
            answerError(BridgeErrors.Kind.PROXY_BAD_RESPONSE, "the egress proxy at " + route.connector().proxy()
                    + " switched protocols, which the bridge does not relay");
            return;
        }
        if (code >= 100 && code < 200) {
            e.informational = true;
            ctx.write(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            return;
        }
        e.responseStarted = true;
        e.status = code;
        ResponseRewriter.Outcome outcome = ResponseRewriter.forClient(response, e.clientVersion,
                e.clientKeepAlive && !clientInputDone, e.method);
        e.closeClient = outcome.closeClient();
        e.reuseUpstream = outcome.reuseUpstream();
        ctx.write(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /** A piece of a response body (or the end of a 1xx) from the proxy connection {@code from}. */
    void responseContent(Channel from, HttpContent content) {
        Exchange e = exchange;
        if (from != upstream || e == null || e.responseDone || (!e.responseStarted && !e.informational)) {
            content.release();
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (e.informational) {
            e.informational = !last;
            ctx.writeAndFlush(content).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            return;
        }
        if (content.decoderResult().isFailure()) {
            // Cut off or malformed: close without ending the body, so the client sees it is incomplete.
            content.release();
            log.debug("{} response from the egress proxy broke off: {}", id, content.decoderResult().cause().toString());
            closeBoth("upstream-broke-off");
            return;
        }
        e.bytesDown += content.content().readableBytes();
        if (!last) {
            ctx.write(content).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            return;
        }
        e.responseDone = true;
        ctx.writeAndFlush(content).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (e.requestDone) {
            finish();
        } else {
            // Answered before the whole request body was sent (e.g. a refusal): drop the rest, then close.
            e.closeClient = true;
            e.discarding = true;
            closeUpstream();
            clientReadPaused = false;
            readClient();
        }
    }

    /** One read of the proxy connection is done: flush to the client, read on if it keeps up. */
    void upstreamReadComplete(Channel from) {
        if (from != upstream) {
            return;
        }
        ctx.flush();
        if (ctx.channel().isWritable()) {
            from.read();
        } else {
            upstreamReadPaused = true;
        }
    }

    void upstreamWritabilityChanged(Channel from) {
        if (from == upstream && from.isWritable() && clientReadPaused) {
            clientReadPaused = false;
            readClient();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && upstreamReadPaused && upstream != null) {
            upstreamReadPaused = false;
            upstream.read();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** The proxy connection {@code from} closed. */
    void upstreamClosed(Channel from) {
        if (from != upstream) {
            return;
        }
        upstream = null;
        upstreamReadPaused = false;
        Exchange e = exchange;
        if (e == null || e.responseDone || e.discarding) {
            if (e != null && clientReadPaused) {
                clientReadPaused = false;
                readClient();
            }
            return;
        }
        if (!e.responseStarted && e.onReusedUpstream && !e.retried && e.requestDone && e.bytesUp == 0) {
            // The proxy closed an idle kept-alive connection just as this request went out (a
            // race every keep-alive client has). Nothing of a body was sent, so send it again once.
            log.debug("{} the egress proxy closed a reused connection before answering; retrying once", id);
            e.retried = true;
            e.onReusedUpstream = false;
            e.pendingHead = e.sentHead;
            connectUpstream();
            return;
        }
        if (!e.responseStarted) {
            answerError(BridgeErrors.Kind.PROXY_CLOSED, "the egress proxy at " + route.connector().proxy()
                    + " closed the connection before answering");
        } else {
            closeBoth("upstream-closed");
        }
    }

    /**
     * Answers the current exchange with the bridge's own error and closes the client connection
     * after it (once the rest of the request body, if any, has been read and dropped).
     */
    private void answerError(BridgeErrors.Kind kind, String message) {
        Exchange e = exchange;
        if (e.responseStarted) {
            closeBoth(kind.code);
            return;
        }
        e.pendingHead = null;
        e.status = kind.status.code();
        e.responseStarted = true;
        e.responseDone = true;
        e.closeClient = true;
        e.closeReason = kind.code;
        ctx.writeAndFlush(BridgeErrors.of(kind, message, ctx.alloc()));
        if (e.requestDone) {
            finish();
        } else {
            e.discarding = true;
            clientReadPaused = false;
            readClient();
        }
    }

    /** The exchange is complete both ways: log it, then close, or take the next request. */
    private void finish() {
        Exchange e = exchange;
        exchange = null;
        logAccess(e);
        boolean close = e.closeClient || clientInputDone;
        if (close || !e.reuseUpstream) {
            closeUpstream();
        }
        if (close) {
            closed = true;
            releaseParked();
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (parked != null) {
            HttpRequest next = parked;
            parked = null;
            onRequest(next);
        } else {
            readClient();
        }
    }

    private void closeBoth(String reason) {
        if (exchange != null) {
            exchange.closeReason = reason;
            logAccess(exchange);
            exchange = null;
        }
        closed = true;
        releaseParked();
        closeUpstream();
        ctx.close();
    }

    private void closeUpstream() {
        if (upstream != null) {
            Channel ch = upstream;
            upstream = null;
            upstreamReadPaused = false;
            ch.close();
        }
    }

    private void releaseParked() {
        if (parked != null) {
            ReferenceCountUtil.release(parked);
            parked = null;
        }
    }

    private void readClient() {
        if (closed || parked != null) {
            return;
        }
        readWanted = true;
        ctx.read();
    }

    private void logAccess(Exchange e) {
        if (AccessLog.enabled()) {
            AccessLog.record(id, AccessLog.address(ctx.channel().localAddress()), AccessLog.address(ctx.channel().remoteAddress()),
                    e.methodForLog, e.pathForLog, e.status, e.bytesUp, e.bytesDown,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - e.startNanos), e.endReason());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // FlowControlHandler counts a read as satisfied by a read-complete even when the socket
        // read produced no whole message (half a request head), so ask again.
        if (readWanted && !closed && parked == null) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.closeReason = "client-closed";
            logAccess(exchange);
            exchange = null;
        }
        closed = true;
        releaseParked();
        closeUpstream();
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            clientInputDone = true;
            if (exchange == null) {
                closed = true;
                releaseParked();
                closeUpstream();
                ctx.close();
            }
        } else if (evt instanceof IdleStateEvent) {
            log.debug("{} idle for {} ms; closing", id, route.settings().idleTimeout().toMillis());
            closeBoth("idle-timeout");
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("{} client connection failed: {}", id, cause.toString());
        } else {
            log.warn("{} unexpected error on the client connection", id, cause);
        }
        closeBoth("client-error");
    }
}
