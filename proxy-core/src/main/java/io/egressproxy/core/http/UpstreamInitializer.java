package io.egressproxy.core.http;

import io.egressproxy.core.config.LimitSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of an upstream HTTP connection (see {@link PipelineNames}). Sharable: holds
 * only settings.
 */
@io.netty.channel.ChannelHandler.Sharable
final class UpstreamInitializer extends ChannelInitializer<Channel> {
    private final LimitSettings limits;

    UpstreamInitializer(LimitSettings limits) {
        this.limits = limits;
    }

    @Override
    protected void initChannel(Channel channel) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxInitialLineLength())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(limits.maxChunkSize())
                .setValidateHeaders(true);
        channel.pipeline().addLast(PipelineNames.HTTP_CODEC,
                new HttpClientCodec(decoder, false, false));
        long idleMillis = limits.idleTimeout().toMillis();
        if (idleMillis > 0) {
            channel.pipeline().addLast(PipelineNames.IDLE, new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
        }
        channel.pipeline().addLast(PipelineNames.UPSTREAM_RESPONSE, new UpstreamResponseHandler());
    }
}
