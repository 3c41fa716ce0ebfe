package io.egressproxy.core.cases;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The endpoints of a {@link RecordingUpstream} (see its javadoc) for one connection: parses
 * requests one at a time, hands each to the recorder when it is complete (or broken) and
 * answers it; after a WebSocket upgrade, echoes frames. Lives on the connection's event loop.
 */
final class UpstreamResponder extends SimpleChannelInboundHandler<Object> {
    /** Request body bytes kept per request; beyond this only the length and hash grow. */
    private static final int BODY_CAP = 1 << 20;

    private final String name;
    private final RecordingUpstream.Connection connection;
    private final Consumer<RecordingUpstream.Request> requests;
    private final Consumer<String> frames;
    private HttpRequest head;
    private ByteArrayOutputStream body;
    private MessageDigest sha;
    private long bodyLength;
    private WebSocketServerHandshaker handshaker;

    UpstreamResponder(String name, RecordingUpstream.Connection connection, Consumer<RecordingUpstream.Request> requests,
                      Consumer<String> frames) {
        this.name = name;
        this.connection = connection;
        this.requests = requests;
        this.frames = frames;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof WebSocketFrame frame) {
            onFrame(ctx, frame);
            return;
        }
        if (msg instanceof HttpRequest request) {
            head = request;
            body = new ByteArrayOutputStream();
            sha = RecordingUpstream.sha256();
            bodyLength = 0;
            if (request.decoderResult().isFailure()) {
                record(false, String.valueOf(request.decoderResult().cause()));
                ctx.close();
                return;
            }
        }
        if (msg instanceof HttpContent content && head != null) {
            ByteBuf buf = content.content();
            int n = buf.readableBytes();
            byte[] bytes = new byte[n];
            buf.getBytes(buf.readerIndex(), bytes);
            sha.update(bytes);
            bodyLength += n;
            if (body.size() < BODY_CAP) {
                body.write(bytes, 0, Math.min(n, BODY_CAP - body.size()));
            }
            if (content.decoderResult().isFailure()) {
                record(false, String.valueOf(content.decoderResult().cause()));
                ctx.close();
                return;
            }
            if (content instanceof LastHttpContent) {
                HttpRequest request = head;
                String digest = HexFormat.of().formatHex(sha.digest());
                record(true, null);
                respond(ctx, request, digest);
            }
        }
    }

    private void record(boolean complete, String failure) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        head.headers().forEach(e -> headers.add(Map.entry(e.getKey(), e.getValue())));
        requests.accept(new RecordingUpstream.Request(connection.index, head.method().name(), head.uri(), List.copyOf(headers),
                body.toByteArray(), bodyLength, complete, failure));
        head = null;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (head != null) {
            record(false, "connection closed before the request was complete");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void respond(ChannelHandlerContext ctx, HttpRequest request, String digest) {
        String uri = request.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        Map<String, String> params = params(q < 0 ? "" : uri.substring(q + 1));
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if ("/ws".equals(path) && request.headers().contains(HttpHeaderNames.UPGRADE, "websocket", true)) {
            upgrade(ctx, request);
            return;
        }
        switch (path) {
            case "/ok" -> text(ctx, keepAlive, "ok from " + name + "\n", null);
            case "/sink" -> text(ctx, keepAlive, bodyLength + " " + digest + "\n", null);
            case "/big" -> big(ctx, keepAlive, Long.parseLong(params.getOrDefault("n", "0")));
            case "/sse" -> sse(ctx, Integer.parseInt(params.getOrDefault("events", "5")),
                    Long.parseLong(params.getOrDefault("pauseMs", "200")));
            case "/hop" -> text(ctx, keepAlive, "hop\n", r -> r.headers()
                    .add(HttpHeaderNames.CONNECTION, "X-Internal")
                    .add("X-Internal", "1")
                    .add(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"origin\"")
                    .add("Keep-Alive", "timeout=99"));
            case "/bighead" -> text(ctx, keepAlive, "big head\n", r -> r.headers().add("X-Big", "a".repeat(1 << 20)));
            default -> text(ctx, keepAlive, echo(request), null);
        }
    }

    private String echo(HttpRequest request) {
        StringBuilder sb = new StringBuilder();
        sb.append(name).append(' ').append(request.method()).append(' ').append(request.uri()).append(' ')
                .append(request.protocolVersion()).append('\n');
        request.headers().forEach(e -> sb.append(e.getKey()).append(": ").append(e.getValue()).append('\n'));
        sb.append('\n').append(body.toString(StandardCharsets.ISO_8859_1));
        return sb.toString();
    }

    private void text(ChannelHandlerContext ctx, boolean keepAlive, String text,
                      Consumer<FullHttpResponse> extra) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=iso-8859-1")
                .set(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                .set("X-Upstream", name);
        if (extra != null) {
            extra.accept(response);
        }
        send(ctx, response, keepAlive);
    }

    private void send(ChannelHandlerContext ctx, Object response, boolean keepAlive) {
        if (!keepAlive && response instanceof HttpResponse r) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var future = ctx.writeAndFlush(response);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void big(ChannelHandlerContext ctx, boolean keepAlive, long n) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream")
                .set(HttpHeaderNames.CONTENT_LENGTH, n)
                .set("X-Upstream", name);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.write(response);
        var future = ctx.writeAndFlush(new HttpChunkedInput(new PatternInput(n)));
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void sse(ChannelHandlerContext ctx, int events, long pauseMs) {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                .set("X-Upstream", name);
        HttpUtil.setTransferEncodingChunked(response, true);
        ctx.writeAndFlush(response);
        sendEvent(ctx, 0, events, pauseMs);
    }

    private void sendEvent(ChannelHandlerContext ctx, int i, int events, long pauseMs) {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (i == events) {
            ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            return;
        }
        String event = "data: " + i + " " + System.nanoTime() + "\n\n";
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(event, StandardCharsets.US_ASCII)));
        ctx.executor().schedule(() -> sendEvent(ctx, i + 1, events, pauseMs), pauseMs, TimeUnit.MILLISECONDS);
    }

    private void upgrade(ChannelHandlerContext ctx, HttpRequest request) {
        DefaultFullHttpRequest full = new DefaultFullHttpRequest(request.protocolVersion(), request.method(),
                request.uri(), Unpooled.EMPTY_BUFFER, request.headers(), EmptyHttpHeaders.INSTANCE);
        String host = request.headers().get(HttpHeaderNames.HOST, "localhost");
        handshaker = new WebSocketServerHandshakerFactory("ws://" + host + "/ws", null, true, 4 << 20)
                .newHandshaker(full);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
        } else {
            handshaker.handshake(ctx.channel(), full);
        }
    }

    private void onFrame(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            String value = text.text();
            frames.accept("text:" + value);
            if ("close-me".equals(value)) {
                ctx.writeAndFlush(new CloseWebSocketFrame(1000, "bye")).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(new TextWebSocketFrame(value));
            }
        } else if (frame instanceof BinaryWebSocketFrame binary) {
            ByteBuf content = binary.content();
            byte[] bytes = new byte[content.readableBytes()];
            content.getBytes(content.readerIndex(), bytes);
            frames.accept("binary:" + bytes.length + ":" + HexFormat.of().formatHex(RecordingUpstream.sha256().digest(bytes)));
            ctx.writeAndFlush(new BinaryWebSocketFrame(content.retainedDuplicate()));
        } else if (frame instanceof PingWebSocketFrame ping) {
            frames.accept("ping");
            ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retainedDuplicate()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            frames.accept("close");
            handshaker.close(ctx.channel(), close.retainedDuplicate());
        }
    }

    private static Map<String, String> params(String query) {
        Map<String, String> params = new TreeMap<>();
        for (String kv : query.split("&")) {
            if (kv.isEmpty()) {
                continue;
            }
            int eq = kv.indexOf('=');
            params.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
        }
        return params;
    }
}
