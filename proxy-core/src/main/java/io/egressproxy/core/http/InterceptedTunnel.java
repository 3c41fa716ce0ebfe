package io.egressproxy.core.http;

import io.egressproxy.core.policy.PolicyScope;

/**
 * What the requests inside an intercepted CONNECT are bound to: the CONNECT's host and port (every
 * inner request must name them) and the scope of the client that sent the CONNECT.
 */
record InterceptedTunnel(RequestTarget connectTarget, PolicyScope scope) {
}
