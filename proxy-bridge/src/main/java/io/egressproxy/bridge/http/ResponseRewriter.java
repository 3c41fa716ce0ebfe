package io.egressproxy.bridge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Prepares a response from the egress proxy for the client, and decides what happens to both
 * connections after it. The status, reason phrase, end-to-end headers (including the proxy's
 * {@code X-Egress-Proxy-Reason}) and body pass unchanged; hop-by-hop headers are replaced by the
 * bridge's own {@code Connection} header. Stateless.
 */
final class ResponseRewriter {
    private ResponseRewriter() {
    }

    /** What to do with the two connections once this response has been relayed. */
    record Outcome(boolean closeClient, boolean reuseUpstream) {
    }

    /**
     * Rewrites {@code response} in place.
     *
     * @param clientVersion   the version of the client's request
     * @param clientKeepAlive whether the client's request allows keeping its connection
     * @param method          the request method (a HEAD response has no body whatever its headers say)
     */
    static Outcome forClient(HttpResponse response, HttpVersion clientVersion, boolean clientKeepAlive, HttpMethod method) {
        boolean upstreamKeepAlive = HttpUtil.isKeepAlive(response);
        boolean selfDelimited = !hasBody(response, method) || HttpUtil.isContentLengthSet(response)
                || HttpUtil.isTransferEncodingChunked(response);
        HopByHopHeaders.strip(response.headers());
        boolean closeClient = !clientKeepAlive || !selfDelimited;
        if (clientVersion.equals(HttpVersion.HTTP_1_0) && HttpUtil.isTransferEncodingChunked(response)) {
            // An HTTP/1.0 client cannot read chunked coding: send the body raw, ended by the close.
            response.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
            closeClient = true;
        }
        if (closeClient) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientVersion.equals(HttpVersion.HTTP_1_0)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return new Outcome(closeClient, upstreamKeepAlive && selfDelimited);
    }

    private static boolean hasBody(HttpResponse response, HttpMethod method) {
        int code = response.status().code();
        return !HttpMethod.HEAD.equals(method) && code != 204 && code != 304 && (code < 100 || code >= 200);
    }
}
