package io.egressproxy.core.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blind tunnel whose bytes never enter the JVM: the kernel moves them socket → pipe → socket
 * with {@code splice(2)} (Netty's epoll {@code spliceTo}), both ways at once. Measured on loopback,
 * this took proxy CPU per GB well below the copying {@link Tunnel}; see the README's Performance
 * section.
 *
 * <p>What the copying relay gets from the bytes it sees, this one gets from the channels'
 * {@link CountingRecvAllocator}s: byte counts for the access log, activity for the idle timeout
 * (the pipeline's idle handler sees no reads and is replaced by a check of its own), and the end of
 * a half-closed direction. Netty reports a peer's FIN (RDHUP) as soon as it is seen, which can be
 * before the bytes ahead of it have been spliced; the FIN is passed on only once a read round on
 * that side finds nothing left, so no byte is cut off.
 *
 * <p>A copying {@link Tunnel} hands over to this one once it sees bulk traffic, and only when
 * both channels are epoll stream channels on one event loop, carry no TLS handler and count their
 * reads ({@link #canSplice}).
 * Confined to the event loop the two channels share.
 */
public final class SplicedTunnel {
    private static final Logger log = LoggerFactory.getLogger(SplicedTunnel.class);
    private final AbstractEpollStreamChannel client;
    private final AbstractEpollStreamChannel upstream;
    private final Tunnel.EndListener listener;
    private final long idleNanos;
    private final SpliceSide clientSide;
    private final SpliceSide upstreamSide;
    private long clientBytesBefore;
    private final long upstreamBytesBefore;
    private long lastActivity = System.nanoTime();
    private ScheduledFuture<?> idleCheck;
    private boolean ended;

    /**
     * {@code clientBytesBefore} / {@code upstreamBytesBefore}: what the copying {@link Tunnel}
     * relayed before it handed over, so the access log counts the whole tunnel.
     */
    SplicedTunnel(Channel client, Channel upstream, Tunnel.EndListener listener, long idleMillis,
                  long clientBytesBefore, long upstreamBytesBefore) {
        this.clientBytesBefore = clientBytesBefore;
        this.upstreamBytesBefore = upstreamBytesBefore;
        this.client = (AbstractEpollStreamChannel) client;
        this.upstream = (AbstractEpollStreamChannel) upstream;
        this.listener = listener;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        this.clientSide = new SpliceSide(this, this.client);
        this.upstreamSide = new SpliceSide(this, this.upstream);
    }

    /**
     * True when both channels can be spliced: epoll channels that can be kept registered while
     * idle ({@link EpollRegistrationPin}), one event loop, no TLS, counting reads.
     */
    public static boolean canSplice(Channel client, Channel upstream) {
        return EpollRegistrationPin.available()
                && client instanceof AbstractEpollStreamChannel && upstream instanceof AbstractEpollStreamChannel
                && client.eventLoop() == upstream.eventLoop()
                && client.config().getRecvByteBufAllocator() instanceof CountingRecvAllocator
                && upstream.config().getRecvByteBufAllocator() instanceof CountingRecvAllocator
                && client.pipeline().get(SslHandler.class) == null && upstream.pipeline().get(SslHandler.class) == null;
    }

    /**
     * Installs the side handlers (as {@code relayName}) in place of any handler named
     * {@code idleName}, sends the bytes the client sent ahead, then starts splicing both ways.
     */
    public void start(String relayName, String idleName, List<Object> clientBytesAhead) {
        removeIfPresent(client.pipeline(), idleName);
        removeIfPresent(upstream.pipeline(), idleName);
        client.pipeline().addLast(relayName, clientSide);
        upstream.pipeline().addLast(relayName, upstreamSide);
        for (Object bytes : clientBytesAhead) {
            if (bytes instanceof ByteBuf buf) {
                clientBytesBefore += buf.readableBytes();
            }
            upstream.write(bytes);
        }
        upstream.flush();
        if (!client.isActive() || !upstream.isActive()) {
            end(client.isActive() ? "upstream-closed" : "client-closed");
            return;
        }
        try {
            EpollRegistrationPin.pin(client);
            EpollRegistrationPin.pin(upstream);
        } catch (Throwable e) {
            log.debug("tunnel {} could not stay in the epoll set: {}", client.remoteAddress(), e.toString());
            end("client-error");
            return;
        }
        log.debug("tunnel {} -> {} spliced in the kernel", client.remoteAddress(), upstream.remoteAddress());
        clientSide.startSplicingTo(upstream);
        upstreamSide.startSplicingTo(client);
        if (idleNanos > 0) {
            idleCheck = client.eventLoop().schedule(this::checkIdle, idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    private static void removeIfPresent(ChannelPipeline pipeline, String name) {
        if (name != null && pipeline.get(name) != null) {
            pipeline.remove(name);
        }
    }

    void activity() {
        lastActivity = System.nanoTime();
    }

    private void checkIdle() {
        if (ended) {
            return;
        }
        long quietFor = System.nanoTime() - lastActivity;
        if (quietFor >= idleNanos) {
            end("idle-timeout");
        } else {
            idleCheck = client.eventLoop().schedule(this::checkIdle, idleNanos - quietFor, TimeUnit.NANOSECONDS);
        }
    }

    Channel peerOf(SpliceSide side) {
        return side == clientSide ? upstream : client;
    }

    /** A direction has delivered everything up to the FIN: pass the FIN on, end when both have. */
    void drained(SpliceSide side) {
        if (clientSide.isDrained() && upstreamSide.isDrained()) {
            end("both-sides-done");
            return;
        }
        Channel peer = peerOf(side);
        // Written behind the pending splices, so the FIN follows the last spliced byte.
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess() && peer instanceof AbstractEpollStreamChannel duplex && !duplex.isOutputShutdown()) {
                duplex.shutdownOutput();
            } else if (!f.isSuccess()) {
                end("write-failed");
            }
        });
    }

    /** Ends the tunnel: flushes what is pending to each side, then closes both. */
    void end(String reason) {
        if (ended) {
            return;
        }
        ended = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        Tunnel.closeOnFlush(client);
        Tunnel.closeOnFlush(upstream);
        listener.ended(clientBytesBefore + clientSide.bytesIn(), upstreamBytesBefore + upstreamSide.bytesIn(), reason);
    }

    boolean isEnded() {
        return ended;
    }

    SpliceSide side(boolean clientSide) {
        return clientSide ? this.clientSide : this.upstreamSide;
    }
}
