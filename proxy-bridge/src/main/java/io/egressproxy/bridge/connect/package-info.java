/**
 * Connect mode: each client connection becomes a {@code CONNECT} tunnel through the egress proxy,
 * then a byte relay. Holds the CONNECT exchange only; the relay itself lives in
 * {@code io.egressproxy.bridge.relay}, and nothing here parses what flows through the tunnel.
 */
package io.egressproxy.bridge.connect;
