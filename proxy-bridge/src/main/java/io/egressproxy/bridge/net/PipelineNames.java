package io.egressproxy.bridge.net;

/**
 * Names of the bridge's pipeline handlers, in pipeline order. Stateless.
 * <pre>
 * http mode, client:     IDLE -> HTTP_CODEC (server) -> FLOW_CONTROL -> CLIENT_HANDLER
 * http mode, upstream:   HTTP_CODEC (client) -> UPSTREAM_HANDLER
 * connect mode, client:  IDLE -> CLIENT_HANDLER, then IDLE -> RELAY once the tunnel stands
 * connect mode, upstream: CONNECT_DECODER -> UPSTREAM_HANDLER, then RELAY
 * </pre>
 * "Upstream" is the connection from the bridge to the egress proxy.
 */
public final class PipelineNames {
    public static final String IDLE = "idle";
    public static final String HTTP_CODEC = "http-codec";
    public static final String FLOW_CONTROL = "flow-control";
    public static final String CLIENT_HANDLER = "client-handler";
    public static final String UPSTREAM_HANDLER = "upstream-handler";
    public static final String CONNECT_DECODER = "connect-decoder";
    public static final String RELAY = "relay";

    private PipelineNames() {
    }
}
