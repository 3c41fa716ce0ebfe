package io.egressproxy.core.http;

import io.egressproxy.core.config.LimitSettings;
import io.egressproxy.core.tunnel.CountingRecvAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of each accepted client connection (see {@link PipelineNames}). Sharable:
 * it keeps only the shared {@link ProxyContext} and the pieces made from it.
 */
@io.netty.channel.ChannelHandler.Sharable
public final class ClientInitializer extends ChannelInitializer<Channel> {
    private final ProxyContext context;
    private final UpstreamConnector connector;
    private final UpstreamPool pool;
    private final HttpDecoderConfig decoderConfig;

    public ClientInitializer(ProxyContext context) {
        this.context = context;
        this.connector = new UpstreamConnector(context);
        LimitSettings limits = context.settings().limits();
        this.pool = new UpstreamPool(limits.upstreamKeepAlive(), limits.maxIdleUpstreamPerHost());
        this.decoderConfig = decoderConfig(limits);
    }

    /** The strict request-decoder settings, for the client side and the inside of intercepted tunnels. */
    static HttpDecoderConfig decoderConfig(LimitSettings limits) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxInitialLineLength())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(limits.maxChunkSize())
                .setValidateHeaders(true)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true)
                .setUseRfc9112TransferEncoding(true);
    }

    @Override
    protected void initChannel(Channel channel) {
        context.events().metrics().connectionOpened();
        context.clients().add(channel);
        channel.closeFuture().addListener(f -> context.events().metrics().connectionClosed());
        if (context.splicesTunnels()) {
            // Before the first read: a spliced tunnel learns its byte counts from this allocator.
            CountingRecvAllocator.install(channel.config());
        }
        ChannelPipeline pipeline = channel.pipeline();
        long idleMillis = context.settings().limits().idleTimeout().toMillis();
        if (idleMillis > 0) {
            pipeline.addLast(PipelineNames.IDLE, new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
        }
        pipeline.addLast(PipelineNames.HTTP_CODEC, new ProxyServerCodec(decoderConfig.clone()));
        pipeline.addLast(PipelineNames.FLOW_CONTROL, new FlowControlHandler());
        pipeline.addLast(PipelineNames.PROXY_REQUEST, new ProxyRequestHandler(context, connector, pool));
    }
}
