package io.egressproxy.core.http;

import io.egressproxy.core.config.LimitSettings;
import io.egressproxy.core.tls.Interception;
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
    private final Interception tls;
    private final String host;
    private final int port;

    /** A plain-HTTP upstream pipeline (sharable). */
    UpstreamInitializer(LimitSettings limits) {
        this(limits, null, null, 0);
    }

    /** A TLS upstream pipeline for {@code host:port}, verified against the upstream trust. */
    UpstreamInitializer(LimitSettings limits, Interception tls, String host, int port) {
        this.limits = limits;
        this.tls = tls;
        this.host = host;
        this.port = port;
    }

    @Override
    protected void initChannel(Channel channel) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxInitialLineLength())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(limits.maxChunkSize())
                .setValidateHeaders(true);
        if (tls != null) {
            channel.pipeline().addLast(PipelineNames.TLS, tls.upstreamHandler(channel.alloc(), host, port));
        }
        channel.pipeline().addLast(PipelineNames.HTTP_CODEC,
                new HttpClientCodec(decoder, false, false));
        long idleMillis = limits.idleTimeout().toMillis();
        if (idleMillis > 0) {
            channel.pipeline().addLast(PipelineNames.IDLE, new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
        }
        channel.pipeline().addLast(PipelineNames.UPSTREAM_RESPONSE, new UpstreamResponseHandler());
    }
}
