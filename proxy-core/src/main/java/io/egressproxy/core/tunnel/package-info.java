/**
 * Byte relays between a client and an upstream once HTTP is done with them: CONNECT tunnels and
 * upgraded (WebSocket) connections. Backpressure both ways, half-close passed on. No parsing and
 * no policy here.
 */
package io.egressproxy.core.tunnel;
