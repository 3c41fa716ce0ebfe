package io.egressproxy.bridge.http;

import io.egressproxy.bridge.config.BridgeLimits;
import io.egressproxy.bridge.net.PipelineNames;
import io.egressproxy.bridge.net.RouteContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * Builds the pipelines of http mode (see {@link PipelineNames}): the client connection accepted on
 * a route, and, through {@link #upstream}, the connection to the egress proxy. Sharable: one per
 * route, stateless besides the route.
 */
public final class HttpBridgeInitializer extends ChannelInitializer<Channel> {
    private final RouteContext route;

    public HttpBridgeInitializer(RouteContext route) {
        this.route = route;
    }

    @Override
    protected void initChannel(Channel ch) {
        long idleMillis = route.settings().idleTimeout().toMillis();
        if (idleMillis > 0) {
            ch.pipeline().addLast(PipelineNames.IDLE, new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
        }
        ch.pipeline().addLast(PipelineNames.HTTP_CODEC, new HttpServerCodec(decoderConfig(route.settings().limits())));
        // One decoded message per read: the next request is taken only when the previous one is done.
        ch.pipeline().addLast(PipelineNames.FLOW_CONTROL, new FlowControlHandler());
        ch.pipeline().addLast(PipelineNames.CLIENT_HANDLER, new ClientRequestHandler(route));
    }

    /** The initializer of a connection to the proxy serving {@code owner}. */
    static ChannelInitializer<Channel> upstream(ClientRequestHandler owner, BridgeLimits limits) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(PipelineNames.HTTP_CODEC, new HttpClientCodec(decoderConfig(limits), false, false));
                ch.pipeline().addLast(PipelineNames.UPSTREAM_HANDLER, new UpstreamResponseHandler(owner));
            }
        };
    }

    private static HttpDecoderConfig decoderConfig(BridgeLimits limits) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxInitialLineLength())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(limits.maxChunkSize());
    }
}
