package io.egressproxy.core.tunnel;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

import java.util.List;

/**
 * A relay between two connected channels on one event loop. Each side gets a
 * {@link RelayHandler}; a side that cannot write fast enough stops reads on the other side until
 * it drains. A FIN from one side is passed on as a FIN (half-close) and the tunnel ends when both
 * directions are done, or at once when either side closes or fails. Reports its byte counts once,
 * at the end. Confined to the event loop both channels share.
 *
 * <p>Every tunnel starts by copying. When splicing is allowed and one read round brings
 * {@link #BULK_ROUND_BYTES} or more (a bulk transfer, not an interactive exchange), the tunnel
 * hands both channels to a {@link SplicedTunnel}, which moves the rest in the kernel. Small
 * exchanges and idle tunnels stay here: splicing would cost them two pipes and Netty's splice
 * queues (several KiB per tunnel) and gain nothing.
 */
public final class Tunnel {
    /** Told once when the tunnel ends. */
    @FunctionalInterface
    public interface EndListener {
        void ended(long bytesFromClient, long bytesFromUpstream, String closeReason);
    }

    /** A read round this large means bulk transfer: worth handing to the kernel. */
    static final int BULK_ROUND_BYTES = 64 * 1024;

    private final Channel client;
    private final Channel upstream;
    private final EndListener listener;
    private final SpliceOption splice;
    private final RelayHandler clientRelay;
    private final RelayHandler upstreamRelay;
    private long bytesFromClient;
    private long bytesFromUpstream;
    private boolean clientInputDone;
    private boolean upstreamInputDone;
    private boolean ended;
    private boolean handedOver;
    private String relayName;

    /** Whether, and how, a tunnel may move to the kernel splice ({@link SplicedTunnel}). */
    public record SpliceOption(boolean allowed, String idleHandlerName, long idleMillis) {
        public static final SpliceOption NEVER = new SpliceOption(false, null, 0);
    }

    public Tunnel(Channel client, Channel upstream, EndListener listener) {
        this(client, upstream, listener, SpliceOption.NEVER);
    }

    public Tunnel(Channel client, Channel upstream, EndListener listener, SpliceOption splice) {
        this.client = client;
        this.upstream = upstream;
        this.listener = listener;
        this.splice = splice;
        this.clientRelay = new RelayHandler(this, true);
        this.upstreamRelay = new RelayHandler(this, false);
    }

    /**
     * Installs the relays (as {@code relayName}, last in each pipeline), writes bytes the client
     * sent ahead of the switch to the upstream, and starts reading both sides.
     */
    public void start(String relayName, List<Object> clientBytesAhead) {
        this.relayName = relayName;
        client.pipeline().addLast(relayName, clientRelay);
        upstream.pipeline().addLast(relayName, upstreamRelay);
        for (Object bytes : clientBytesAhead) {
            count(true, bytes);
            upstream.write(bytes);
        }
        upstream.flush();
        if (!client.isActive() || !upstream.isActive()) {
            end(client.isActive() ? "upstream-closed" : "client-closed");
            return;
        }
        readUnlessInputShut(client);
        readUnlessInputShut(upstream);
    }

    /** See {@link RelayHandler}: a channel whose input has ended is not asked to read again. */
    private static void readUnlessInputShut(Channel channel) {
        if (!(channel instanceof DuplexChannel duplex && duplex.isInputShutdown())) {
            channel.read();
        }
    }

    Channel peerOf(boolean fromClient) {
        return fromClient ? upstream : client;
    }

    RelayHandler relayOf(boolean clientSide) {
        return clientSide ? clientRelay : upstreamRelay;
    }

    void count(boolean fromClient, Object msg) {
        if (msg instanceof io.netty.buffer.ByteBuf buf) {
            if (fromClient) {
                bytesFromClient += buf.readableBytes();
            } else {
                bytesFromUpstream += buf.readableBytes();
            }
        }
    }

    /** One side sent FIN: pass it on once what it sent is flushed; end when both sides have. */
    void inputShutdown(boolean fromClient) {
        if (fromClient) {
            clientInputDone = true;
        } else {
            upstreamInputDone = true;
        }
        Channel peer = peerOf(fromClient);
        if (clientInputDone && upstreamInputDone) {
            end("both-sides-done");
            return;
        }
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess() && peer instanceof DuplexChannel duplex && !duplex.isOutputShutdown()) {
                duplex.shutdownOutput();
            } else if (!f.isSuccess()) {
                end("write-failed");
            }
        });
    }

    /**
     * After a bulk read round: hands both channels to a {@link SplicedTunnel} when splicing is
     * allowed and possible and both directions are still open. Called at the end of a read round,
     * after the flush, so every byte copied so far is queued ahead of the first spliced one.
     * Returns whether it did; this relay is then inert and the spliced tunnel reports the end.
     */
    boolean handOverToSplice() {
        if (!splice.allowed() || ended || handedOver || clientInputDone || upstreamInputDone
                || !SplicedTunnel.canSplice(client, upstream)) {
            return false;
        }
        handedOver = true;
        client.pipeline().remove(clientRelay);
        upstream.pipeline().remove(upstreamRelay);
        new SplicedTunnel(client, upstream, listener, splice.idleMillis(), bytesFromClient, bytesFromUpstream)
                .start(relayName, splice.idleHandlerName(), List.of());
        return true;
    }

    /** Ends the tunnel: flushes what is pending to each side, then closes both. */
    void end(String reason) {
        if (ended || handedOver) {
            return;
        }
        ended = true;
        closeOnFlush(client);
        closeOnFlush(upstream);
        listener.ended(bytesFromClient, bytesFromUpstream, reason);
    }

    boolean isEnded() {
        return ended || handedOver;
    }

    /** Closes {@code channel} once what is queued to it has been written. */
    static void closeOnFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    /** Releases messages that will not be relayed. */
    static void release(List<Object> messages) {
        messages.forEach(ReferenceCountUtil::release);
    }
}
