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
 */
public final class Tunnel {
    /** Told once when the tunnel ends. */
    @FunctionalInterface
    public interface EndListener {
        void ended(long bytesFromClient, long bytesFromUpstream, String closeReason);
    }

    private final Channel client;
    private final Channel upstream;
    private final EndListener listener;
    private final RelayHandler clientRelay;
    private final RelayHandler upstreamRelay;
    private long bytesFromClient;
    private long bytesFromUpstream;
    private boolean clientInputDone;
    private boolean upstreamInputDone;
    private boolean ended;

    public Tunnel(Channel client, Channel upstream, EndListener listener) {
        this.client = client;
        this.upstream = upstream;
        this.listener = listener;
        this.clientRelay = new RelayHandler(this, true);
        this.upstreamRelay = new RelayHandler(this, false);
    }

    /**
     * Installs the relays (as {@code relayName}, last in each pipeline), writes bytes the client
     * sent ahead of the switch to the upstream, and starts reading both sides.
     */
    public void start(String relayName, List<Object> clientBytesAhead) {
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
        client.read();
        upstream.read();
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

    /** Ends the tunnel: flushes what is pending to each side, then closes both. */
    void end(String reason) {
        if (ended) {
            return;
        }
        ended = true;
        closeOnFlush(client);
        closeOnFlush(upstream);
        listener.ended(bytesFromClient, bytesFromUpstream, reason);
    }

    boolean isEnded() {
        return ended;
    }

    private static void closeOnFlush(Channel channel) {
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
