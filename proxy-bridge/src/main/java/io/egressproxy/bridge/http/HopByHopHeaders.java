package io.egressproxy.bridge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Removes the headers that belong to one connection (RFC 9110 §7.6.1) before a message crosses
 * the bridge: {@code Connection} and every name it lists, {@code Keep-Alive},
 * {@code Proxy-Connection}, {@code TE}, {@code Trailer}, {@code Upgrade}, and both proxy
 * authentication headers (the bridge adds its own {@code Proxy-Authorization}; the client never
 * talks to a proxy). {@code Connection} can never remove {@code Host} or the framing headers.
 * Stateless.
 */
final class HopByHopHeaders {
    private static final List<AsciiString> ALWAYS = List.of(
            HttpHeaderNames.CONNECTION,
            AsciiString.cached("proxy-connection"),
            AsciiString.cached("keep-alive"),
            HttpHeaderNames.PROXY_AUTHORIZATION,
            HttpHeaderNames.PROXY_AUTHENTICATE,
            HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER,
            HttpHeaderNames.UPGRADE,
            AsciiString.cached("http2-settings"));

    private static final Set<String> PROTECTED = Set.of("host", "content-length", "transfer-encoding");

    private HopByHopHeaders() {
    }

    /** Strips hop-by-hop headers in place. */
    static void strip(HttpHeaders headers) {
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String name = token.trim().toLowerCase(Locale.ROOT);
                if (!name.isEmpty() && !PROTECTED.contains(name)) {
                    headers.remove(name);
                }
            }
        }
        for (AsciiString name : ALWAYS) {
            headers.remove(name);
        }
    }
}
