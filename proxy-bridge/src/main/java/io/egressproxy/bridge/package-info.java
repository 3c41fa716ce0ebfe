/**
 * The in-sandbox bridge as a library: {@link io.egressproxy.bridge.Bridge} starts it from
 * {@link io.egressproxy.bridge.config.BridgeSettings}. This package only binds listeners and owns
 * threads; the modes live in {@code http} and {@code connect}, the relay in {@code relay},
 * connections to the proxy in {@code net}. Those sub-packages are internal: callers use
 * {@code Bridge} and the {@code config} package only.
 */
package io.egressproxy.bridge;
