package io.egressproxy.core.http;

import io.netty.channel.ChannelHandler;

import java.time.Duration;

/** What an exchange needs from the running proxy; shared by all connections, thread-safe. */
record ExchangeServices(UpstreamConnector connector, UpstreamPool pool, ChannelHandler upstreamInitializer,
                        Duration responseTimeout) {
}
