package io.egressproxy.core.config;

import java.net.InetSocketAddress;

/**
 * A listen or server address written as {@code HOST:PORT} ({@code [::1]:3128} for IPv6).
 * Plain value, thread-safe.
 */
public record HostAndPort(String host, int port) {

    public HostAndPort {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("host is empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
    }

    /**
     * Parses {@code HOST:PORT}.
     *
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    public static HostAndPort parse(String text) {
        String t = text == null ? "" : text.trim();
        int colon;
        String host;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [IPV6]:PORT such as [::1]:3128, got '" + t + "'");
            }
            host = t.substring(1, close);
            colon = close + 1;
        } else {
            colon = t.lastIndexOf(':');
            if (colon <= 0 || t.indexOf(':') != colon) {
                throw new IllegalArgumentException("expected HOST:PORT such as 127.0.0.1:3128, got '" + t + "'");
            }
            host = t.substring(0, colon);
        }
        String portText = t.substring(colon + 1);
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + portText + "' in '" + t + "' is not a number");
        }
        return new HostAndPort(host, port);
    }

    public InetSocketAddress toUnresolvedAddress() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
