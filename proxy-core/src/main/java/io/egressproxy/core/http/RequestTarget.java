package io.egressproxy.core.http;

import io.egressproxy.core.policy.Host;
import io.egressproxy.core.policy.HostNames;
import io.egressproxy.core.policy.InvalidHostException;

/**
 * Where a request wants to go, parsed once from its request-target: an absolute-form URI
 * ({@code http://host:port/path?query}) or a CONNECT authority ({@code host:port}). The host that
 * is checked against the policy is the host that is dialled: nothing else in the proxy parses the
 * target again. Immutable.
 *
 * @param host       the normalised host
 * @param port       the port (80 by default for http)
 * @param pathAndQuery origin-form to send upstream ({@code /} when the URI had no path); empty for CONNECT
 */
public record RequestTarget(Host host, int port, String pathAndQuery) {
    private static final String HTTP = "http://";

    /** {@code host:port} as written in Host headers and logs (brackets for IPv6, port always shown). */
    public String authority() {
        return host.uriForm() + ":" + port;
    }

    /** The Host header value to send upstream: the port only when it is not the scheme default. */
    public String hostHeader(int defaultPort) {
        return port == defaultPort ? host.uriForm() : authority();
    }

    /** Parses the target of a non-CONNECT request. */
    static RequestTarget parseAbsolute(String uri) throws BadRequestException {
        if (uri.isEmpty() || uri.charAt(0) == '/' || "*".equals(uri)) {
            throw new BadRequestException(ProxyError.NOT_A_PROXY_REQUEST,
                    "this is an egress proxy: send the full URL in the request line (GET http://host/path),"
                            + " e.g. set HTTP_PROXY=http://<proxy address> or use curl -x http://<proxy address>");
        }
        int schemeEnd = uri.indexOf("://");
        if (schemeEnd <= 0 || !uri.regionMatches(true, 0, HTTP, 0, HTTP.length())) {
            String scheme = schemeEnd > 0 && schemeEnd < 16 ? uri.substring(0, schemeEnd).toLowerCase(java.util.Locale.ROOT) : "";
            if ("https".equals(scheme)) {
                throw new BadRequestException(ProxyError.UNSUPPORTED_SCHEME,
                        "https URLs go through a CONNECT tunnel: the client must send CONNECT host:443, not GET https://...");
            }
            throw new BadRequestException(ProxyError.UNSUPPORTED_SCHEME,
                    "only http:// URLs (and CONNECT tunnels) are proxied; the request-target has "
                            + (scheme.isEmpty() || !isToken(scheme) ? "no usable scheme" : "scheme '" + scheme + "'"));
        }
        int authorityStart = HTTP.length();
        int authorityEnd = authorityStart;
        while (authorityEnd < uri.length()) {
            char c = uri.charAt(authorityEnd);
            if (c == '/' || c == '?' || c == '#') {
                break;
            }
            authorityEnd++;
        }
        String authority = uri.substring(authorityStart, authorityEnd);
        String rest = uri.substring(authorityEnd);
        checkAuthorityCharacters(authority);
        if (rest.indexOf('#') >= 0) {
            throw new BadRequestException(ProxyError.BAD_REQUEST, "the request-target contains a fragment ('#'), which is never sent to a server");
        }
        checkPathCharacters(rest);
        String path = rest.isEmpty() ? "/" : rest.charAt(0) == '?' ? "/" + rest : rest;
        HostPort hp = splitHostPort(authority, 80);
        return new RequestTarget(hp.host, hp.port, path);
    }

    /**
     * The target of a request inside an intercepted tunnel: origin-form ({@code GET /path}) or
     * absolute {@code https://} form, and a single {@code Host} header, both naming exactly the
     * CONNECT's host and port; anything else is misdirected (421).
     */
    static RequestTarget parseInner(io.netty.handler.codec.http.HttpRequest request, RequestTarget connect)
            throws BadRequestException {
        String uri = request.uri();
        String path;
        if (uri.startsWith("/")) {
            path = uri;
        } else if (uri.regionMatches(true, 0, "https://", 0, 8)) {
            int slash = uri.indexOf('/', 8);
            String authority = uri.substring(8, slash < 0 ? uri.length() : slash);
            checkAuthorityCharacters(authority);
            HostPort hp = splitHostPort(authority, 443);
            if (!hp.host.name().equals(connect.host().name()) || hp.port != connect.port()) {
                throw new BadRequestException(ProxyError.MISDIRECTED, "this tunnel was opened to " + connect.authority()
                        + "; a request for " + hp.host.uriForm() + ":" + hp.port + " needs its own CONNECT");
            }
            path = slash < 0 ? "/" : uri.substring(slash);
        } else {
            throw new BadRequestException(ProxyError.BAD_REQUEST, "requests inside a tunnel use a path (GET /path)");
        }
        if (path.indexOf('#') >= 0) {
            throw new BadRequestException(ProxyError.BAD_REQUEST, "the request-target contains a fragment ('#'), which is never sent to a server");
        }
        checkPathCharacters(path);
        java.util.List<String> hosts = request.headers().getAll(io.netty.handler.codec.http.HttpHeaderNames.HOST);
        if (hosts.size() != 1) {
            throw new BadRequestException(ProxyError.BAD_REQUEST, hosts.isEmpty() ? "the request has no Host header"
                    : "the request has more than one Host header");
        }
        RequestTarget host;
        try {
            host = parseHostHeader(hosts.get(0).trim(), 443);
        } catch (BadRequestException e) {
            throw new BadRequestException(ProxyError.MISDIRECTED, "the Host header is invalid: " + e.getMessage());
        }
        if (!host.host().name().equals(connect.host().name()) || host.port() != connect.port()) {
            throw new BadRequestException(ProxyError.MISDIRECTED, "this tunnel was opened to " + connect.authority()
                    + " but the request's Host names " + host.authority() + "; open a tunnel to that host instead");
        }
        return new RequestTarget(connect.host(), connect.port(), path);
    }

    /** Parses the authority of a CONNECT request; the port is required. */
    static RequestTarget parseConnect(String authority) throws BadRequestException {
        checkAuthorityCharacters(authority);
        HostPort hp = splitHostPort(authority, -1);
        return new RequestTarget(hp.host, hp.port, "");
    }

    /** Parses a Host header value (host[:port]) for comparison with the target. */
    static RequestTarget parseHostHeader(String value, int defaultPort) throws BadRequestException {
        checkAuthorityCharacters(value);
        HostPort hp = splitHostPort(value, defaultPort);
        return new RequestTarget(hp.host, hp.port, "");
    }

    private static void checkAuthorityCharacters(String authority) throws BadRequestException {
        if (authority.isEmpty()) {
            throw new BadRequestException(ProxyError.BAD_REQUEST, "the request-target has no host");
        }
        if (authority.indexOf('@') >= 0) {
            throw new BadRequestException(ProxyError.BAD_REQUEST,
                    "the URL contains user information ('user@host'), which is not allowed in http URLs; send credentials in a header instead");
        }
        for (int i = 0; i < authority.length(); i++) {
            char c = authority.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '\\' || c == '%' || c == ',' || c == '"' || c == '<' || c == '>' || c == '^'
                    || c == '`' || c == '{' || c == '}' || c == '|') {
                throw new BadRequestException(ProxyError.BAD_REQUEST,
                        "the host in the request contains a character that is not allowed there (" + describe(c) + ")");
            }
        }
    }

    private static void checkPathCharacters(String rest) throws BadRequestException {
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                throw new BadRequestException(ProxyError.BAD_REQUEST,
                        "the request-target contains " + describe(c) + "; percent-encode it");
            }
        }
    }

    private static String describe(char c) {
        return c < 0x20 || c >= 0x7f ? String.format("control or non-ASCII character 0x%02x", (int) c)
                : c == ' ' ? "a space" : "'" + c + "'";
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private record HostPort(Host host, int port) {
    }

    private static HostPort splitHostPort(String authority, int defaultPort) throws BadRequestException {
        String hostText;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw new BadRequestException(ProxyError.BAD_REQUEST, "the IPv6 address in the request is missing its ']'");
            }
            hostText = authority.substring(0, close + 1);
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (after.charAt(0) != ':') {
                    throw new BadRequestException(ProxyError.BAD_REQUEST, "unexpected text after the IPv6 address in the request");
                }
                portText = after.substring(1);
            }
        } else {
            int colon = authority.indexOf(':');
            if (colon >= 0 && authority.indexOf(':', colon + 1) >= 0) {
                throw new BadRequestException(ProxyError.BAD_REQUEST,
                        "the host:port has more than one ':' (an IPv6 address must be in brackets, e.g. [::1]:443)");
            }
            hostText = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
        }
        int port;
        if (portText == null || portText.isEmpty()) {
            if (defaultPort < 0) {
                throw new BadRequestException(ProxyError.BAD_REQUEST, "CONNECT needs host:port, e.g. CONNECT api.example.com:443");
            }
            port = defaultPort;
        } else {
            port = parsePort(portText);
        }
        try {
            return new HostPort(HostNames.parse(hostText), port);
        } catch (InvalidHostException e) {
            throw new BadRequestException(ProxyError.BAD_REQUEST, "invalid host in the request: " + e.getMessage());
        }
    }

    private static int parsePort(String text) throws BadRequestException {
        if (text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadRequestException(ProxyError.BAD_REQUEST, "the port in the request is not a number from 1 to 65535");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new BadRequestException(ProxyError.BAD_REQUEST, "the port in the request is not a number from 1 to 65535");
        }
        return port;
    }
}
