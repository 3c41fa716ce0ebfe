package io.egressproxy.bridge.connect;

/**
 * The egress proxy's answer to a {@code CONNECT}: status code, reason phrase and the proxy's own
 * {@code X-Egress-Proxy-Reason} header (empty when absent). Text is printable ASCII only, safe
 * for one log line. Immutable.
 */
record ConnectResponse(int status, String reasonPhrase, String proxyReason) {

    boolean established() {
        return status == 200;
    }
}
