package io.egressproxy.bridge.connect;

import io.egressproxy.bridge.net.PipelineNames;
import io.egressproxy.bridge.net.RouteContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.IdleStateHandler;

import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of a client connection accepted on a connect-mode route (see
 * {@link PipelineNames}). Sharable: one per route, stateless besides the route.
 */
public final class ConnectInitializer extends ChannelInitializer<Channel> {
    private final RouteContext route;

    public ConnectInitializer(RouteContext route) {
        this.route = route;
    }

    @Override
    protected void initChannel(Channel ch) {
        long idleMillis = route.settings().idleTimeout().toMillis();
        if (idleMillis > 0) {
            ch.pipeline().addLast(PipelineNames.IDLE, new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS));
        }
        ch.pipeline().addLast(PipelineNames.CLIENT_HANDLER, new ConnectTunnelHandler(route));
    }
}
