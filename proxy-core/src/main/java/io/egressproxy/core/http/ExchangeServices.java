package io.egressproxy.core.http;

import io.netty.channel.ChannelHandler;

import java.time.Duration;

/** What an exchange needs from the running proxy; shared by all connections, thread-safe. */
record ExchangeServices(UpstreamConnector connector, UpstreamPool pool, ChannelHandler upstreamInitializer,
                        Duration responseTimeout, ProxyContext context) {

    /** A pipeline for a verified TLS connection to {@code host:port}. */
    ChannelHandler tlsInitializer(String host, int port) {
        return new UpstreamInitializer(context.settings().limits(), context.interception(), host, port);
    }
}
