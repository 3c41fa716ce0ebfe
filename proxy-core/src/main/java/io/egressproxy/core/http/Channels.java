package io.egressproxy.core.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;

/** Small channel helpers shared by the HTTP and tunnel handlers. */
public final class Channels {
    private Channels() {
    }

    /** Flushes what was written to {@code channel}, then closes it. */
    public static void closeOnFlush(Channel channel) {
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else if (channel != null) {
            channel.close();
        }
    }

    /** {@code ip:port} of the remote side, for logs. */
    public static String remote(Channel channel) {
        java.net.SocketAddress address = channel.remoteAddress();
        if (address instanceof java.net.InetSocketAddress inet) {
            String ip = inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
            return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + inet.getPort();
        }
        return String.valueOf(address);
    }
}
