package io.egressproxy.core.tunnel;

import io.netty.buffer.ByteBuf;
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
 * One side of a {@link Tunnel}: writes what this side reads to the peer, flushes once per read
 * batch, and reads again only while the peer can take more (autoRead stays off; the peer's
 * writability brings reading back). Not sharable: one per channel.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RelayHandler.class);

    private final Tunnel tunnel;
    private final boolean clientSide;
    private ChannelHandlerContext ctx;
    private boolean readPending;
    private boolean inputDone;
    private int roundBytes;

    RelayHandler(Tunnel tunnel, boolean clientSide) {
        this.tunnel = tunnel;
        this.clientSide = clientSide;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (tunnel.isEnded()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        tunnel.count(clientSide, msg);
        if (msg instanceof ByteBuf bytes) {
            roundBytes += bytes.readableBytes();
        }
        tunnel.peerOf(clientSide).write(msg, tunnel.peerOf(clientSide).voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Channel peer = tunnel.peerOf(clientSide);
        peer.flush();
        boolean bulk = roundBytes >= Tunnel.BULK_ROUND_BYTES;
        roundBytes = 0;
        if (bulk && tunnel.handOverToSplice()) {
            return;
        }
        if (peer.isWritable()) {
            readUnlessDone();
        } else {
            readPending = true;
        }
    }

    /** This side drained: let the other side read again. */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            tunnel.relayOf(!clientSide).resumeReading();
        }
        ctx.fireChannelWritabilityChanged();
    }

    private void resumeReading() {
        if (readPending && ctx != null) {
            readPending = false;
            readUnlessDone();
        }
    }

    /**
     * Asks for the next read, unless this side's input has ended: after a FIN, Netty has read
     * everything up to it already, and (4.2) may have dropped the channel from epoll, where a
     * read request fails and closes the channel before the other direction has finished.
     */
    private void readUnlessDone() {
        if (!inputDone) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputDone = true;
            tunnel.inputShutdown(clientSide);
        } else if (evt instanceof IdleStateEvent) {
            tunnel.end("idle-timeout");
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        tunnel.end(clientSide ? "client-closed" : "upstream-closed");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("tunnel {} side failed: {}", clientSide ? "client" : "upstream", cause.toString());
        } else {
            log.warn("tunnel {} side failed", clientSide ? "client" : "upstream", cause);
        }
        tunnel.end((clientSide ? "client" : "upstream") + "-error");
    }
}
