package io.egressproxy.core.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;

import java.util.List;
import java.util.function.Consumer;

/**
 * The client-side request decoder: Netty's strict HTTP/1.1 parser, except that once a CONNECT
 * head has been decoded, every later byte is passed on untouched. Bytes a client sends right
 * behind its CONNECT belong to the tunnel (often a TLS ClientHello, whose leading 0x16 an HTTP
 * parser would skip as a control character); they must reach the upstream intact. Not sharable.
 */
final class ProxyRequestDecoder extends HttpRequestDecoder {
    private final Consumer<HttpMethod> onRequest;
    private boolean passThrough;

    /** {@code onRequest} is told the method of every request head decoded, in order. */
    ProxyRequestDecoder(HttpDecoderConfig config, Consumer<HttpMethod> onRequest) {
        super(config);
        this.onRequest = onRequest;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (passThrough) {
            if (buffer.isReadable()) {
                out.add(buffer.readRetainedSlice(buffer.readableBytes()));
            }
            return;
        }
        int before = out.size();
        super.decode(ctx, buffer, out);
        for (int i = before; i < out.size(); i++) {
            if (out.get(i) instanceof HttpRequest request) {
                onRequest.accept(request.method());
                if (HttpMethod.CONNECT.equals(request.method()) && request.decoderResult().isSuccess()) {
                    passThrough = true;
                }
            }
        }
    }
}
