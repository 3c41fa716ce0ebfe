/**
 * The bridge's settings as plain values: {@link io.egressproxy.bridge.config.BridgeSettings} read once
 * from HOCON, {@link io.egressproxy.bridge.config.Route}, {@link io.egressproxy.bridge.config.ProxyAddress}
 * and the redacting {@link io.egressproxy.bridge.config.ProxyCredentials}. No Netty and no I/O here
 * (besides reading a config file), so everything can be tested without sockets; no {@code Config}
 * object leaves this package.
 */
package io.egressproxy.bridge.config;
