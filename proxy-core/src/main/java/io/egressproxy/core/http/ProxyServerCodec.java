package io.egressproxy.core.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

/**
 * The client connection's HTTP codec: {@link ProxyRequestDecoder} plus a response encoder that,
 * like Netty's server codec, knows which request each final response answers (no body for HEAD,
 * none for a CONNECT's 200). Not sharable.
 */
final class ProxyServerCodec extends CombinedChannelDuplexHandler<ProxyRequestDecoder, HttpResponseEncoder> {
    private final Queue<HttpMethod> methods = new ArrayDeque<>();

    ProxyServerCodec(HttpDecoderConfig config) {
        init(new ProxyRequestDecoder(config, methods::add), new ResponseEncoder());
    }

    private final class ResponseEncoder extends HttpResponseEncoder {
        private HttpMethod answering;

        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
            if (msg instanceof HttpResponse response && response.status().code() >= 200) {
                answering = methods.poll();
            }
            super.encode(ctx, msg, out);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            if (HttpMethod.HEAD.equals(answering)) {
                return true;
            }
            if (HttpMethod.CONNECT.equals(answering) && msg.status().codeClass() == HttpStatusClass.SUCCESS) {
                return true;
            }
            return super.isContentAlwaysEmpty(msg);
        }
    }
}
