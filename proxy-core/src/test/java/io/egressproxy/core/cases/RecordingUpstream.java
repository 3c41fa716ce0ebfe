package io.egressproxy.core.cases;

import io.egressproxy.core.testing.OriginServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test upstream (Netty, plain HTTP/1.1) on one chosen loopback address and port that records
 * the raw bytes of every connection before parsing them, and every request it parsed. It answers:
 * <ul>
 *   <li>{@code /ok}: {@code ok from NAME}</li>
 *   <li>{@code /sink}: streams the body through SHA-256, answers {@code LENGTH SHA256}</li>
 *   <li>{@code /big?n=N}: N bytes of {@link OriginServer#pattern}, Content-Length, with backpressure</li>
 *   <li>{@code /sse?events=N&pauseMs=M}: a chunked {@code text/event-stream}, {@code data: I NANOTIME} per event</li>
 *   <li>{@code /hop}: a response carrying connection-level headers ({@code Connection: X-Internal},
 *       {@code X-Internal}, {@code Proxy-Authenticate}, {@code Keep-Alive})</li>
 *   <li>{@code /bighead}: a response with a 1 MB header</li>
 *   <li>{@code /ws} with a WebSocket upgrade: 101, then echoes text and binary frames, answers pings,
 *       echoes a close and closes; the text {@code close-me} makes it close first</li>
 *   <li>anything else: an echo: {@code NAME METHOD URI VERSION}, each header line, a blank line, the body</li>
 * </ul>
 * Every response carries {@code X-Upstream: NAME}. Runs on the caller's event-loop group; its
 * records are thread-safe. Stop it with {@link #close()}.
 */
final class RecordingUpstream implements AutoCloseable {
    /** Raw bytes kept per connection; beyond this only the count grows. */
    private static final int RAW_CAP = 4 << 20;

    /** One request as this upstream's parser saw it. {@code complete} is false when it was cut off or malformed. */
    record Request(int connection, String method, String uri, List<Map.Entry<String, String>> headers, byte[] body,
                   long bodyLength, boolean complete, String failure) {
        List<String> header(String name) {
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    values.add(h.getValue());
                }
            }
            return values;
        }

        String bodyText() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** One accepted connection: its raw bytes and whether it has closed. */
    static final class Connection {
        final int index;
        private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
        private long total;
        private volatile boolean closed;

        Connection(int index) {
            this.index = index;
        }

        synchronized String text() {
            return raw.toString(StandardCharsets.ISO_8859_1);
        }

        synchronized byte[] bytes() {
            return raw.toByteArray();
        }

        synchronized long total() {
            return total;
        }

        boolean closed() {
            return closed;
        }

        synchronized void add(ByteBuf buf) {
            int n = buf.readableBytes();
            total += n;
            int keep = Math.min(n, RAW_CAP - raw.size());
            if (keep > 0) {
                byte[] copy = new byte[keep];
                buf.getBytes(buf.readerIndex(), copy);
                raw.write(copy, 0, keep);
            }
        }

        synchronized void clear() {
            raw.reset();
            total = 0;
        }
    }

    private final String name;
    private final Channel server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> frames = new CopyOnWriteArrayList<>();

    /** Binds {@code address:port} (port 0 for any); throws if the port is taken. */
    RecordingUpstream(String name, EventLoopGroup group, String address, int port) throws Exception {
        this.name = name;
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Connection connection = new Connection(accepted.incrementAndGet());
                        connections.add(connection);
                        ch.pipeline().addLast(new RawRecorder(connection),
                                new HttpServerCodec(new HttpDecoderConfig().setMaxInitialLineLength(256 * 1024)
                                        .setMaxHeaderSize(256 * 1024)),
                                new ChunkedWriteHandler(),
                                new UpstreamResponder(name, connection, requests::add, frames::add));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getByName(address), port)).sync().channel();
    }

    String name() {
        return name;
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Connections accepted since the last {@link #reset()}. */
    int connectionsAccepted() {
        return accepted.get();
    }

    /** Connections still tracked (open, or closed since the last reset). */
    List<Connection> connections() {
        return List.copyOf(connections);
    }

    /** Every byte received since the last reset, all connections concatenated, as ISO-8859-1. */
    String raw() {
        StringBuilder sb = new StringBuilder();
        for (Connection c : connections) {
            sb.append(c.text());
        }
        return sb.toString();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests whose parse finished cleanly. */
    List<Request> completeRequests() {
        return requests.stream().filter(Request::complete).toList();
    }

    /** WebSocket frames received, as {@code text:…}, {@code binary:LENGTH:SHA256}, {@code ping}, {@code close}. */
    List<String> frames() {
        return List.copyOf(frames);
    }

    /** Forgets what was recorded; open connections stay tracked, with their raw bytes emptied. */
    void reset() {
        connections.removeIf(Connection::closed);
        connections.forEach(Connection::clear);
        accepted.set(0);
        requests.clear();
        frames.clear();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
    }

    /** Copies every inbound byte into the connection's record before the HTTP codec sees it. */
    private static final class RawRecorder extends ChannelInboundHandlerAdapter {
        private final Connection connection;

        RawRecorder(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                connection.add(buf);
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connection.closed = true;
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
