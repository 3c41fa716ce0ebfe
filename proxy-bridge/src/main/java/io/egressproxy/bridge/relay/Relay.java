package io.egressproxy.bridge.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.socket.DuplexChannel;

import java.util.List;

/**
 * A byte relay between a client channel and an upstream channel that share one event loop. Each
 * side gets a {@link RelayHandler}; a side that cannot write fast enough stops reads on the other
 * until it drains. A FIN from one side is passed on as a FIN (half-close); the relay ends when
 * both directions are done, or at once when either side closes or fails, and then reports its
 * byte counts once. Confined to the event loop of the two channels.
 */
public final class Relay {
    /** Told once, when the relay ends. */
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

    public Relay(Channel client, Channel upstream, EndListener listener) {
        this.client = client;
        this.upstream = upstream;
        this.listener = listener;
        this.clientRelay = new RelayHandler(this, true);
        this.upstreamRelay = new RelayHandler(this, false);
    }

    /**
     * Adds the relay handlers (as {@code name}, last in each pipeline), passes on bytes each side
     * sent before the switch, and starts reading both sides. Takes ownership of the buffers.
     */
    public void start(String name, List<ByteBuf> clientBytesAhead, List<ByteBuf> upstreamBytesAhead) {
        client.pipeline().addLast(name, clientRelay);
        upstream.pipeline().addLast(name, upstreamRelay);
        forward(clientBytesAhead, true);
        forward(upstreamBytesAhead, false);
        if (!client.isActive() || !upstream.isActive()) {
            end(client.isActive() ? "upstream-closed" : "client-closed");
            return;
        }
        client.read();
        upstream.read();
    }

    private void forward(List<ByteBuf> bytes, boolean fromClient) {
        Channel peer = peerOf(fromClient);
        for (ByteBuf buf : bytes) {
            count(fromClient, buf);
            peer.write(buf, peer.voidPromise());
        }
        peer.flush();
    }

    Channel peerOf(boolean fromClient) {
        return fromClient ? upstream : client;
    }

    RelayHandler handlerOf(boolean clientSide) {
        return clientSide ? clientRelay : upstreamRelay;
    }

    void count(boolean fromClient, Object msg) {
        if (msg instanceof ByteBuf buf) {
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
        if (clientInputDone && upstreamInputDone) {
            end("both-sides-done");
            return;
        }
        Channel peer = peerOf(fromClient);
        peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                end("write-failed");
            } else if (peer instanceof DuplexChannel duplex && !duplex.isOutputShutdown()) {
                duplex.shutdownOutput();
            }
        });
    }

    /** Ends the relay: flushes what is pending to each side, then closes both. */
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
}
