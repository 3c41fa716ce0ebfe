package io.egressproxy.bridge.config;

/**
 * A host name or IP literal and a port, parsed from {@code host:port} or {@code [v6]:port}.
 * No name is resolved here. Immutable.
 */
public record HostPort(String host, int port) {

    public HostPort {
        if (host == null || host.isEmpty()) {
            throw new BridgeConfigException("host is empty");
        }
        if (port < 0 || port > 65535) {
            throw new BridgeConfigException("port " + port + " is out of range (0 to 65535)");
        }
    }

    /**
     * Parses {@code host:port}; {@code defaultPort} (or -1 for none) applies when the port is
     * left out. {@code what} names the value in error messages (e.g. "route target").
     */
    public static HostPort parse(String text, int defaultPort, String what) {
        String s = text == null ? "" : text.trim();
        String host;
        String portText = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw invalid(what, text, "missing ']' after an IPv6 address");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw invalid(what, text, "expected ':PORT' after ']'");
                }
                portText = rest.substring(1);
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0 && s.indexOf(':') != colon) {
                throw invalid(what, text, "write an IPv6 address in brackets, e.g. [::1]:8080");
            }
            host = colon < 0 ? s : s.substring(0, colon);
            portText = colon < 0 ? null : s.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw invalid(what, text, "the host is missing");
        }
        if (!host.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/' && c != '@')) {
            throw invalid(what, text, "the host contains characters a host name cannot have");
        }
        int port;
        if (portText == null) {
            if (defaultPort < 0) {
                throw invalid(what, text, "the port is missing (expected HOST:PORT)");
            }
            port = defaultPort;
        } else {
            port = parsePort(portText, what, text);
        }
        return new HostPort(host, port);
    }

    static int parsePort(String portText, String what, String text) {
        try {
            int port = Integer.parseInt(portText);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(what, text, "'" + portText + "' is not a port (0 to 65535)");
    }

    private static BridgeConfigException invalid(String what, String text, String problem) {
        return new BridgeConfigException("invalid " + what + " '" + text + "': " + problem);
    }

    /** Formats {@code host:port}, with brackets around an IPv6 literal. */
    public static String format(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return format(host, port);
    }
}
