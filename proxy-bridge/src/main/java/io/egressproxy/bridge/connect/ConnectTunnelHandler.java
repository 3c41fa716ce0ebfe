package io.egressproxy.bridge.connect;

import io.egressproxy.bridge.net.PipelineNames;
import io.egressproxy.bridge.net.RouteContext;
import io.egressproxy.bridge.observe.AccessLog;
import io.egressproxy.bridge.observe.ConnectionId;
import io.egressproxy.bridge.relay.Relay;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The client side of a connect-mode connection until the tunnel stands: on accept it connects to
 * the egress proxy, asks for {@code CONNECT target}, and on {@code 200} replaces itself with a
 * byte {@link Relay}. The client is not read before that (autoRead is off), so what it sends
 * early waits in the socket. Any other answer, or a proxy that cannot be reached, closes the
 * client connection (a raw TCP client cannot be told why) and logs the proxy's status and reason.
 * Logs one access line per connection. Not sharable; confined to the client's event loop.
 */
final class ConnectTunnelHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectTunnelHandler.class);

    private final RouteContext route;
    private final ConnectionId id = ConnectionId.next();
    private final long startNanos = System.nanoTime();
    private ChannelHandlerContext ctx;
    private Channel upstream;
    private boolean established;
    private boolean done;

    ConnectTunnelHandler(RouteContext route) {
        this.route = route;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        int maxHeaderBytes = route.settings().limits().maxHeaderBytes();
        ConnectTunnelHandler owner = this;
        route.connector().connect(ctx.channel().eventLoop(), new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(PipelineNames.CONNECT_DECODER, new ConnectResponseDecoder(maxHeaderBytes));
                ch.pipeline().addLast(PipelineNames.UPSTREAM_HANDLER, new ConnectUpstreamHandler(owner));
            }
        }, true).addListener((Future<Channel> f) -> connected(f));
        ctx.fireChannelActive();
    }

    private void connected(Future<Channel> future) {
        if (done) {
            if (future.isSuccess()) {
                future.getNow().close();
            }
            return;
        }
        if (!future.isSuccess()) {
            fail(future.cause().getMessage(), "proxy-unreachable", 0);
            return;
        }
        upstream = future.getNow();
        upstream.writeAndFlush(connectRequest()).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        upstream.read();
    }

    private ByteBuf connectRequest() {
        String target = route.route().target();
        StringBuilder sb = new StringBuilder(128)
                .append("CONNECT ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(target).append("\r\n");
        route.connector().proxy().credentials().ifPresent(c ->
                sb.append("Proxy-Authorization: ").append(c.authorization()).append("\r\n"));
        sb.append("\r\n");
        return Unpooled.copiedBuffer(sb, StandardCharsets.ISO_8859_1);
    }

    /** The proxy answered; {@code bytesAhead} came right behind its answer (ownership passes here). */
    void proxyAnswered(ConnectResponse response, List<ByteBuf> bytesAhead) {
        if (done) {
            bytesAhead.forEach(ByteBuf::release);
            return;
        }
        if (!response.established()) {
            bytesAhead.forEach(ByteBuf::release);
            String reason = response.proxyReason().isEmpty() ? "-" : response.proxyReason();
            fail("the egress proxy at " + route.connector().proxy() + " refused CONNECT " + route.route().target()
                    + ": " + response.status() + " " + response.reasonPhrase() + " (reason: " + reason + ")",
                    "proxy-refused", response.status());
            return;
        }
        established = true;
        done = true;
        upstream.pipeline().remove(PipelineNames.UPSTREAM_HANDLER);
        ctx.pipeline().remove(this);
        log.debug("{} tunnel to {} through {} established", id, route.route().target(), route.connector().proxy());
        new Relay(ctx.channel(), upstream, (up, down, reason) -> record(200, up, down, reason))
                .start(PipelineNames.RELAY, List.of(), bytesAhead);
    }

    /** The proxy connection ended or failed before the tunnel stood. */
    void upstreamFailed(String message, Throwable unexpected) {
        if (done) {
            return;
        }
        if (unexpected != null) {
            log.warn("{} unexpected error on the connection to the egress proxy", id, unexpected);
        }
        fail(message, "proxy-closed", 0);
    }

    private void fail(String message, String closeReason, int status) {
        done = true;
        log.warn("{} route {}: {}; closing the client connection", id, AccessLog.address(ctx.channel().localAddress()), message);
        if (upstream != null) {
            upstream.close();
        }
        ctx.close();
        record(status, 0, 0, closeReason);
    }

    private void record(int status, long up, long down, String closeReason) {
        if (AccessLog.enabled()) {
            AccessLog.record(id, AccessLog.address(ctx.channel().localAddress()), AccessLog.address(ctx.channel().remoteAddress()), "CONNECT",
                    route.route().target(), status, up, down,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), closeReason);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!done) {
            done = true;
            if (upstream != null) {
                upstream.close();
            }
            record(0, 0, 0, "client-closed-before-tunnel");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            fail("no answer from the egress proxy within the idle timeout", "idle-timeout", 0);
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
        ctx.close();
    }
}
