/**
 * The byte relay between a client connection and its connection to the egress proxy, with
 * backpressure and half-close: used by connect mode after the CONNECT 200. Knows nothing of HTTP.
 */
package io.egressproxy.bridge.relay;
