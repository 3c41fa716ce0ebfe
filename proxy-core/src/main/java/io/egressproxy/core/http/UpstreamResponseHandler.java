package io.egressproxy.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an upstream HTTP connection: hands the response to the
 * {@link ForwardExchange} it is bound to. While unbound (the connection idles in the pool) any
 * message means the upstream is no longer in step, so the connection is closed. Runs on the
 * client's event loop; one instance per upstream connection.
 */
final class UpstreamResponseHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(UpstreamResponseHandler.class);

    private ForwardExchange exchange;

    void bind(ForwardExchange exchange) {
        this.exchange = exchange;
    }

    void unbind() {
        this.exchange = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ForwardExchange current = exchange;
        if (current == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse response) {
            current.onResponseHead(response);
            if (msg instanceof HttpContent content && response.decoderResult().isFailure()) {
                content.release();
            } else if (msg instanceof HttpContent content) {
                current.onResponseContent(content);
            }
        } else if (msg instanceof HttpContent content) {
            current.onResponseContent(content);
        } else if (msg instanceof ByteBuf bytes) {
            current.onUpgradedBytes(bytes);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ForwardExchange current = exchange;
        if (current != null) {
            current.upstreamReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ForwardExchange current = exchange;
        if (current != null) {
            current.upstreamWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ForwardExchange current = exchange;
        if (current != null) {
            current.upstreamClosed();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ReferenceCountUtil.release(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ForwardExchange current = exchange;
        if (current != null) {
            current.upstreamFailed(cause);
        } else {
            log.debug("idle upstream {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }
}
