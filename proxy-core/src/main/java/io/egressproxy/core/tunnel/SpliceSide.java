package io.egressproxy.core.tunnel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * One side of a {@link SplicedTunnel}: splices what this side receives to the peer and watches its
 * read rounds (through the channel's {@link CountingRecvAllocator}) for activity and for the end of
 * a half-closed direction. Not sharable: one per channel.
 */
final class SpliceSide extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(SpliceSide.class);

    private final SplicedTunnel tunnel;
    private final AbstractEpollStreamChannel channel;
    private final CountingRecvAllocator counter;
    private final long baseline;
    private boolean finSeen;
    private boolean drained;

    SpliceSide(SplicedTunnel tunnel, AbstractEpollStreamChannel channel) {
        this.tunnel = tunnel;
        this.channel = channel;
        this.counter = (CountingRecvAllocator) channel.config().getRecvByteBufAllocator();
        // What this side read before the tunnel (the CONNECT request) is not tunnel traffic.
        this.baseline = counter.total();
    }

    void startSplicingTo(AbstractEpollStreamChannel peer) {
        @SuppressWarnings("deprecation") // the only zero-copy relay Netty offers; see SplicedTunnel
        ChannelFuture splicing = channel.spliceTo(peer, Integer.MAX_VALUE);
        splicing.addListener(f -> {
            if (!f.isSuccess()) {
                log.debug("splice from {} ended: {}", channel, f.cause().toString());
                tunnel.end(isClient() ? "client-closed" : "upstream-closed");
            }
        });
        // Splicing needs the channel readable all the time; Netty pauses it while the peer is full.
        channel.config().setAutoRead(true);
    }

    long bytesIn() {
        return counter.total() - baseline;
    }

    boolean isDrained() {
        return drained;
    }

    private boolean isClient() {
        return tunnel.side(true) == this;
    }

    /** Bytes read the ordinary way (none are expected once splicing runs) are passed on as is. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (tunnel.isEnded()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        tunnel.peerOf(this).write(msg, tunnel.peerOf(this).voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        tunnel.peerOf(this).flush();
        if (counter.inLastRead() > 0) {
            tunnel.activity();
        } else if (finSeen && nothingPendingToPeer()) {
            finish();
        }
    }

    /**
     * An empty read round means end of stream only if the pipe to the peer was empty: splicing
     * into a full pipe (the peer reads slowly) also takes in nothing, and the FIN (RDHUP) is
     * reported ahead of the bytes still queued in the socket. Once the peer has taken all that
     * was spliced, Netty reads again and the next empty round is the real end.
     */
    private boolean nothingPendingToPeer() {
        ChannelOutboundBuffer pending = tunnel.peerOf(this).unsafe().outboundBuffer();
        return pending == null || pending.isEmpty();
    }

    private void finish() {
        if (drained || tunnel.isEnded()) {
            return;
        }
        drained = true;
        // Nothing more can arrive; stop the read-ready rounds an EOF would otherwise keep causing.
        channel.config().setAutoRead(false);
        tunnel.drained(this);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The FIN may be ahead of bytes not spliced yet: finish on the first empty read round.
            finSeen = true;
        } else if (evt instanceof ChannelInputShutdownReadComplete) {
            finSeen = true;
            finish();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        tunnel.end(isClient() ? "client-closed" : "upstream-closed");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("spliced tunnel {} side failed: {}", isClient() ? "client" : "upstream", cause.toString());
        } else {
            log.warn("spliced tunnel {} side failed", isClient() ? "client" : "upstream", cause);
        }
        tunnel.end((isClient() ? "client" : "upstream") + "-error");
    }
}
