package io.egressproxy.core.config;

/** Which Netty transport to use and how many event-loop threads. */
public record TransportSettings(boolean preferNative, int threads) {
}
