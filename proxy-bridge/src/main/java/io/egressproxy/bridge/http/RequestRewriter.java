package io.egressproxy.bridge.http;

import io.egressproxy.bridge.config.ProxyCredentials;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.util.Optional;

/**
 * Turns a request the client sent to the bridge into the request the bridge sends to the egress
 * proxy: absolute form {@code http://TARGET/path?query}, {@code Host: TARGET}, HTTP/1.1 (so the
 * proxy connection is kept alive), hop-by-hop headers removed and the bridge's own
 * {@code Proxy-Authorization} added. Method, end-to-end headers and body framing stay as they
 * are. Stateless.
 */
final class RequestRewriter {
    private RequestRewriter() {
    }

    /**
     * The path and query of the client's request target: origin form as it is, absolute form
     * reduced to its path (the route fixes the host), {@code *} kept for OPTIONS.
     *
     * @throws IllegalArgumentException when the target is neither
     */
    static String originForm(String uri) {
        if (uri.startsWith("/") || uri.equals("*")) {
            return uri;
        }
        int scheme = uri.indexOf("://");
        if (scheme > 0 && uri.substring(0, scheme).chars().allMatch(Character::isLetter)) {
            int path = uri.indexOf('/', scheme + 3);
            int query = uri.indexOf('?', scheme + 3);
            if (path < 0 && query < 0) {
                return "/";
            }
            int start = path < 0 ? query : query < 0 ? path : Math.min(path, query);
            String rest = uri.substring(start);
            return rest.startsWith("?") ? "/" + rest : rest;
        }
        throw new IllegalArgumentException("request target is neither a path nor an absolute URL");
    }

    /** Rewrites {@code request} in place for the proxy. */
    static void toProxy(HttpRequest request, String target, Optional<ProxyCredentials> credentials) {
        String path = originForm(request.uri());
        request.setUri("http://" + target + (path.equals("*") ? "" : path));
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        HopByHopHeaders.strip(request.headers());
        request.headers().set(HttpHeaderNames.HOST, target);
        credentials.ifPresent(c -> request.headers().set(HttpHeaderNames.PROXY_AUTHORIZATION, c.authorization()));
    }
}
