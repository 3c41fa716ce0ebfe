package io.egressproxy.bridge.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the egress proxy listens, and the credentials to present to it. Parsed from the forms
 * people put in {@code HTTP_PROXY}: {@code http://user:password@host:port}, {@code http://host:port},
 * {@code http://host} (port 80) and {@code host:port}. The user name and password may be
 * percent-encoded. {@link #toString()} is {@code host:port}: never the password. Immutable.
 */
public record ProxyAddress(String host, int port, Optional<ProxyCredentials> credentials) {

    /** Environment variables read for a default proxy, in order: the first one set wins. */
    public static final String[] ENVIRONMENT_VARIABLES = {"HTTP_PROXY", "http_proxy"};

    private static final String FORMS = "expected http://[user:password@]host:port or host:port";

    public ProxyAddress {
        new HostPort(host, port);
        if (port == 0) {
            throw new BridgeConfigException("the egress proxy address " + HostPort.format(host, port) + " has port 0");
        }
        credentials = credentials == null ? Optional.empty() : credentials;
    }

    /**
     * Parses a proxy URL.
     *
     * @throws BridgeConfigException saying which form was expected; the message shows the URL with
     *                               any password masked
     */
    public static ProxyAddress parse(String url) {
        String text = url == null ? "" : url.trim();
        if (text.isEmpty()) {
            throw new BridgeConfigException("proxy URL is empty: " + FORMS);
        }
        String rest = text;
        boolean hasScheme = false;
        int schemeEnd = text.indexOf("://");
        if (schemeEnd >= 0) {
            String scheme = text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
            if (!scheme.equals("http")) {
                throw invalid(text, "scheme '" + scheme + "' is not supported: the bridge talks plain HTTP to the"
                        + " proxy; use http://");
            }
            rest = text.substring(schemeEnd + 3);
            hasScheme = true;
        }
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            if (!rest.substring(slash).equals("/")) {
                throw invalid(text, "a proxy URL has no path");
            }
            rest = rest.substring(0, slash);
        }
        Optional<ProxyCredentials> credentials = Optional.empty();
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            int colon = userInfo.indexOf(':');
            String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon), text);
            String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1), text);
            credentials = Optional.of(new ProxyCredentials(user, password));
            rest = rest.substring(at + 1);
        }
        HostPort hostPort;
        try {
            hostPort = HostPort.parse(rest, hasScheme ? 80 : -1, "proxy address");
        } catch (BridgeConfigException e) {
            throw invalid(text, e.getMessage() + "; " + FORMS);
        }
        if (hostPort.port() == 0) {
            throw invalid(text, "port 0 is not a proxy port");
        }
        return new ProxyAddress(hostPort.host(), hostPort.port(), credentials);
    }

    /**
     * The proxy named by {@code HTTP_PROXY}, else {@code http_proxy}, in {@code environment}
     * (empty values count as unset), or empty when neither is set.
     */
    public static Optional<ProxyAddress> fromEnvironment(Map<String, String> environment) {
        for (String name : ENVIRONMENT_VARIABLES) {
            String value = environment.get(name);
            if (value != null && !value.isBlank()) {
                try {
                    return Optional.of(parse(value));
                } catch (BridgeConfigException e) {
                    throw new BridgeConfigException("environment variable " + name + ": " + e.getMessage(), e);
                }
            }
        }
        return Optional.empty();
    }

    /** The same address with other credentials. */
    public ProxyAddress withCredentials(ProxyCredentials newCredentials) {
        return new ProxyAddress(host, port, Optional.ofNullable(newCredentials));
    }

    /** {@code host:port}, brackets around an IPv6 literal. */
    public String authority() {
        return HostPort.format(host, port);
    }

    @Override
    public String toString() {
        return authority();
    }

    private static BridgeConfigException invalid(String url, String problem) {
        return new BridgeConfigException("invalid proxy URL '" + masked(url) + "': " + problem);
    }

    /** The URL with the user information (which may hold a password) replaced by {@code ***}. */
    static String masked(String url) {
        int at = url.lastIndexOf('@');
        if (at < 0) {
            return url;
        }
        int start = url.indexOf("://");
        return (start < 0 ? "" : url.substring(0, start + 3)) + "***" + url.substring(at);
    }

    /** Percent-decodes user information; other characters are kept as they are. */
    private static String decode(String text, String url) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            if (c == '%') {
                int hi = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
                int lo = i + 2 < text.length() ? Character.digit(text.charAt(i + 2), 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw invalid(url, "a '%' in the user name or password is not followed by two hex digits");
                }
                out.write(hi * 16 + lo);
                i += 3;
            } else {
                byte[] bytes = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i += Character.charCount(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
