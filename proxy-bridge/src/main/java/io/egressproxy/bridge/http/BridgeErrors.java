package io.egressproxy.bridge.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * The bridge's own answers in http mode, each the bridge's failure (never the proxy's, which are
 * passed through): status, {@code X-Egress-Bridge-Error: <code>} and a one-line plain-text body
 * that says what happened and where. The connection is closed after each. Stateless.
 */
final class BridgeErrors {
    static final String ERROR_HEADER = "X-Egress-Bridge-Error";
    private static final int MAX_MESSAGE = 400;

    /** A failure kind: its status and the code sent in {@link #ERROR_HEADER}. */
    enum Kind {
        BAD_REQUEST(HttpResponseStatus.BAD_REQUEST, "bad-request"),
        METHOD_NOT_ALLOWED(HttpResponseStatus.METHOD_NOT_ALLOWED, "method-not-allowed"),
        PROXY_UNREACHABLE(HttpResponseStatus.BAD_GATEWAY, "proxy-unreachable"),
        PROXY_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "proxy-timeout"),
        PROXY_CLOSED(HttpResponseStatus.BAD_GATEWAY, "proxy-closed"),
        PROXY_BAD_RESPONSE(HttpResponseStatus.BAD_GATEWAY, "proxy-bad-response");

        final HttpResponseStatus status;
        final String code;

        Kind(HttpResponseStatus status, String code) {
            this.status = status;
            this.code = code;
        }
    }

    private BridgeErrors() {
    }

    static FullHttpResponse of(Kind kind, String message, ByteBufAllocator alloc) {
        byte[] body = (printable(message) + "\n").getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, kind.status,
                alloc.buffer(body.length).writeBytes(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=us-ascii")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(ERROR_HEADER, kind.code);
        return response;
    }

    /** Printable ASCII only, so a message can never split a line. */
    static String printable(String text) {
        String s = text == null ? "" : text;
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_MESSAGE));
        for (int i = 0; i < s.length() && sb.length() < MAX_MESSAGE; i++) {
            char c = s.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
