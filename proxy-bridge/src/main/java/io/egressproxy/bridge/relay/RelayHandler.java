package io.egressproxy.bridge.relay;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * One side of a {@link Relay}: writes what this side reads to the peer, flushes once per read
 * batch, and asks for the next read only while the peer can take more (autoRead is off; the
 * peer's writability brings reading back). Not sharable: one per channel.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RelayHandler.class);

    private final Relay relay;
    private final boolean clientSide;
    private ChannelHandlerContext ctx;
    private boolean readPending;

    RelayHandler(Relay relay, boolean clientSide) {
        this.relay = relay;
        this.clientSide = clientSide;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (relay.isEnded()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        relay.count(clientSide, msg);
        Channel peer = relay.peerOf(clientSide);
        peer.write(msg, peer.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Channel peer = relay.peerOf(clientSide);
        peer.flush();
        if (peer.isWritable()) {
            ctx.read();
        } else {
            readPending = true;
        }
    }

    /** This side drained its write buffer: the other side may read again. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            relay.handlerOf(!clientSide).resumeReading();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void resumeReading() {
        if (readPending && ctx != null) {
            readPending = false;
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            relay.inputShutdown(clientSide);
        } else if (evt instanceof IdleStateEvent) {
            relay.end("idle-timeout");
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        relay.end(clientSide ? "client-closed" : "upstream-closed");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("relay {} side failed: {}", clientSide ? "client" : "upstream", cause.toString());
        } else {
            log.warn("relay {} side failed", clientSide ? "client" : "upstream", cause);
        }
        relay.end((clientSide ? "client" : "upstream") + "-error");
    }
}
