package io.egressproxy.core.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Removes the headers that belong to one connection and must not be forwarded (RFC 9110 §7.6.1):
 * the fixed hop-by-hop set, {@code Proxy-Authorization} and {@code Proxy-Authenticate}, and every
 * name listed in {@code Connection}. A client can never use {@code Connection} to remove the
 * framing headers or {@code Host}: the proxy owns those. Stateless.
 */
final class HopByHopHeaders {
    private static final List<AsciiString> ALWAYS = List.of(
            HttpHeaderNames.CONNECTION,
            AsciiString.cached("proxy-connection"),
            HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_AUTHORIZATION,
            HttpHeaderNames.PROXY_AUTHENTICATE,
            HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER,
            HttpHeaderNames.UPGRADE,
            AsciiString.cached("http2-settings"));

    /** Names a Connection header may never remove: framing and routing are the proxy's. */
    private static final Set<String> PROTECTED = Set.of("host", "content-length", "transfer-encoding");

    private HopByHopHeaders() {
    }

    /**
     * Strips hop-by-hop headers in place. {@code keepUpgrade} keeps {@code Upgrade} (for a
     * WebSocket handshake the proxy relays) and re-adds {@code Connection: upgrade}.
     */
    static void strip(HttpHeaders headers, boolean keepUpgrade) {
        List<String> listed = connectionListed(headers);
        for (AsciiString name : ALWAYS) {
            if (!(keepUpgrade && HttpHeaderNames.UPGRADE.equals(name))) {
                headers.remove(name);
            }
        }
        for (String name : listed) {
            if (!PROTECTED.contains(name) && !(keepUpgrade && "upgrade".equals(name))) {
                headers.remove(name);
            }
        }
        if (keepUpgrade) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE);
        }
    }

    private static List<String> connectionListed(HttpHeaders headers) {
        List<String> names = new ArrayList<>();
        for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : value.split(",")) {
                String name = token.trim().toLowerCase(java.util.Locale.ROOT);
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** Whether the message is a WebSocket upgrade request this proxy can relay. */
    static boolean isWebSocketUpgrade(HttpHeaders headers) {
        return headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE, true)
                && headers.contains(HttpHeaderNames.UPGRADE, "websocket", true);
    }
}
