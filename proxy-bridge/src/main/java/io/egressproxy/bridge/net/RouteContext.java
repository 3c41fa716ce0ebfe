package io.egressproxy.bridge.net;

import io.egressproxy.bridge.config.BridgeSettings;
import io.egressproxy.bridge.config.Route;

/**
 * What every connection accepted on one route needs: the route, the bridge settings and the
 * connector to the egress proxy. Immutable; shared by all connections of the route.
 */
public record RouteContext(Route route, BridgeSettings settings, ProxyConnector connector) {
}
