package io.egressproxy.bridge.config;

/**
 * One forwarding rule of the bridge: connections accepted on {@code listenHost:listenPort} go
 * through the egress proxy to {@code targetHost:targetPort}, in the given {@link Mode}. Listen
 * port 0 binds a free port. The target is never resolved by the bridge: the proxy resolves it
 * and applies its policy. Immutable.
 */
public record Route(String listenHost, int listenPort, String targetHost, int targetPort, Mode mode) {

    public Route {
        if (mode == null) {
            throw new BridgeConfigException("route mode is missing");
        }
        new HostPort(listenHost, listenPort);
        new HostPort(targetHost, targetPort);
        if (targetPort == 0) {
            throw new BridgeConfigException("route target " + HostPort.format(targetHost, targetPort)
                    + " has port 0; name the port the target listens on");
        }
    }

    /** Parses {@code LISTEN=TARGET} (e.g. {@code 127.0.0.1:54321=localhost:12434}) in http mode. */
    public static Route parse(String spec) {
        return parse(spec, Mode.HTTP);
    }

    /**
     * Parses {@code LISTEN=TARGET}. LISTEN is {@code host:port} or a bare port (meaning
     * 127.0.0.1); TARGET is {@code host:port}.
     */
    public static Route parse(String spec, Mode mode) {
        int eq = spec == null ? -1 : spec.indexOf('=');
        if (eq < 0 || spec.indexOf('=', eq + 1) >= 0) {
            throw new BridgeConfigException("invalid route '" + spec
                    + "': expected LISTEN=TARGET, e.g. 127.0.0.1:54321=localhost:12434");
        }
        return of(spec.substring(0, eq), spec.substring(eq + 1), mode);
    }

    /** A route from a listen address ({@code host:port} or a bare port) and a target {@code host:port}. */
    public static Route of(String listen, String target, Mode mode) {
        HostPort l = parseListen(listen);
        HostPort t = HostPort.parse(target, -1, "route target");
        return new Route(l.host(), l.port(), t.host(), t.port(), mode);
    }

    private static HostPort parseListen(String listen) {
        String s = listen == null ? "" : listen.trim();
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            return new HostPort("127.0.0.1", HostPort.parsePort(s, "listen address", listen));
        }
        return HostPort.parse(s, -1, "listen address");
    }

    /** The same route in another mode. */
    public Route withMode(Mode newMode) {
        return new Route(listenHost, listenPort, targetHost, targetPort, newMode);
    }

    /** {@code listenHost:listenPort}. */
    public String listen() {
        return HostPort.format(listenHost, listenPort);
    }

    /** {@code targetHost:targetPort}, as sent to the proxy. */
    public String target() {
        return HostPort.format(targetHost, targetPort);
    }

    @Override
    public String toString() {
        return listen() + "=" + target() + " (" + mode.word() + ")";
    }
}
