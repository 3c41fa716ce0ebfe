package io.egressproxy.core.config;

/**
 * Which Netty transport to use, how many event-loop threads, and whether blind tunnels are spliced
 * in the kernel (epoll only) rather than copied through the JVM.
 */
public record TransportSettings(boolean preferNative, int threads, boolean splice) {
}
