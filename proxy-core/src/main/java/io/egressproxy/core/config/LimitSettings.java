package io.egressproxy.core.config;

import java.time.Duration;

/** Size limits and timeouts; see reference.conf {@code egress-proxy.limits} for each key. */
public record LimitSettings(
        int maxInitialLineLength,
        int maxHeaderBytes,
        int maxChunkSize,
        Duration connectTimeout,
        Duration responseTimeout,
        Duration idleTimeout,
        Duration upstreamKeepAlive,
        int maxIdleUpstreamPerHost,
        int writeBufferLow,
        int writeBufferHigh,
        Duration drainTimeout) {
}
