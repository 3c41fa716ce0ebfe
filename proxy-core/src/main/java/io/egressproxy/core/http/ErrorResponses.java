package io.egressproxy.core.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Builds the proxy's own answers: the status of a {@link ProxyError}, the headers
 * {@code X-Egress-Proxy-Error} (the code) and {@code X-Egress-Proxy-Reason} (one line), and the
 * same line as a plain-text body. Reasons are the proxy's own words, made safe for a header (no
 * control characters, ASCII only, bounded length); they never echo request headers or secrets.
 * Stateless.
 */
public final class ErrorResponses {
    public static final String ERROR_HEADER = "X-Egress-Proxy-Error";
    public static final String REASON_HEADER = "X-Egress-Proxy-Reason";
    private static final int MAX_REASON = 400;

    private ErrorResponses() {
    }

    /** A complete response; {@code close} adds {@code Connection: close}. */
    public static FullHttpResponse of(ProxyError error, String reason, boolean close, ByteBufAllocator alloc) {
        String line = headerSafe(reason);
        byte[] body = (line + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, error.status(),
                alloc.buffer(body.length).writeBytes(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=us-ascii")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set(ERROR_HEADER, error.code())
                .set(REASON_HEADER, line);
        if (error == ProxyError.PROXY_AUTH_REQUIRED) {
            response.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"egress-proxy\"");
        }
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return response;
    }

    /** Keeps printable ASCII only, so a reason can never split a header or a log line. */
    static String headerSafe(String reason) {
        String text = reason == null ? "" : reason;
        StringBuilder sb = new StringBuilder(Math.min(text.length(), MAX_REASON));
        for (int i = 0; i < text.length() && sb.length() < MAX_REASON; i++) {
            char c = text.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return sb.toString();
    }
}
