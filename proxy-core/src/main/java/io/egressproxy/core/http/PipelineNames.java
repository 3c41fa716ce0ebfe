package io.egressproxy.core.http;

/**
 * Names of the handlers in the proxy's pipelines, in order.
 * <pre>
 * client:   idle -> http-codec -> flow-control -> proxy-request
 *           after CONNECT:       idle -> relay
 *           intercepted CONNECT: idle -> tls -> http-codec -> flow-control -> proxy-request (bound to the tunnel)
 * upstream: http-codec -> idle -> upstream-response        (plain HTTP)
 *           relay                                          (CONNECT tunnel)
 * </pre>
 */
public final class PipelineNames {
    public static final String IDLE = "idle";
    public static final String TLS = "tls";
    public static final String HTTP_CODEC = "http-codec";
    public static final String DECOMPRESS = "decompress";
    public static final String FLOW_CONTROL = "flow-control";
    public static final String PROXY_REQUEST = "proxy-request";
    public static final String UPSTREAM_RESPONSE = "upstream-response";
    public static final String RELAY = "relay";

    private PipelineNames() {
    }
}
