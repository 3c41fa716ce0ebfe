package io.egressproxy.bridge.connect;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The upstream (proxy) side of a connect-mode connection until the tunnel stands. Collects the
 * proxy's {@link ConnectResponse} and any bytes that came right behind it, and hands them to the
 * {@link ConnectTunnelHandler} at the end of that read (so no byte can slip past while the
 * pipeline is being switched to the relay). Tells the owner when the proxy closes or fails first.
 * Not sharable; confined to the event loop of the client connection.
 */
final class ConnectUpstreamHandler extends ChannelInboundHandlerAdapter {
    private final ConnectTunnelHandler owner;
    private final List<ByteBuf> bytesAhead = new ArrayList<>();
    private ConnectResponse response;

    ConnectUpstreamHandler(ConnectTunnelHandler owner) {
        this.owner = owner;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ConnectResponse answer && response == null) {
            response = answer;
        } else if (msg instanceof ByteBuf bytes && response != null) {
            bytesAhead.add(bytes);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (response == null) {
            ctx.read();
            return;
        }
        List<ByteBuf> ahead = new ArrayList<>(bytesAhead);
        bytesAhead.clear();
        owner.proxyAnswered(response, ahead);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        bytesAhead.forEach(ByteBuf::release);
        bytesAhead.clear();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        owner.upstreamFailed("the egress proxy closed the connection before answering CONNECT", null);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        owner.upstreamFailed("bad answer from the egress proxy: " + cause.getMessage(), cause instanceof IOException ? null : cause);
        ctx.close();
    }
}
