/**
 * Connections to the egress proxy and the Netty transport: {@link io.egressproxy.bridge.net.ProxyConnector}
 * (look-up off the event loop, connect, failure messages), {@link io.egressproxy.bridge.net.Transport}
 * and the pipeline names. Nothing here knows HTTP or relays; it must not depend on the mode packages.
 */
package io.egressproxy.bridge.net;
