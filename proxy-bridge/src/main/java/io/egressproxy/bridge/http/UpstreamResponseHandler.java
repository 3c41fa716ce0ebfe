package io.egressproxy.bridge.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * Sits on the connection from the bridge to the egress proxy and hands every response part and
 * connection event to the {@link ClientRequestHandler} that owns the connection, naming the
 * channel so events of a connection the owner already dropped are ignored. Not sharable;
 * confined to the client's event loop.
 */
final class UpstreamResponseHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(UpstreamResponseHandler.class);

    private final ClientRequestHandler owner;

    UpstreamResponseHandler(ClientRequestHandler owner) {
        this.owner = owner;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpResponse response) {
            owner.responseHead(ctx.channel(), response);
        } else if (msg instanceof HttpContent content) {
            owner.responseContent(ctx.channel(), content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        owner.upstreamReadComplete(ctx.channel());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        owner.upstreamWritabilityChanged(ctx.channel());
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        owner.upstreamClosed(ctx.channel());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("connection to the egress proxy failed: {}", cause.toString());
        } else {
            log.warn("unexpected error on the connection to the egress proxy", cause);
        }
        ctx.close();
    }
}
