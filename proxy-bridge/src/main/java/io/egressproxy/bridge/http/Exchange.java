package io.egressproxy.bridge.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The state of one request/response pair crossing the bridge in http mode: what the client asked
 * for (for the response rules and the access log), how far each direction got, and the byte
 * counts. Plain mutable state owned by one {@link ClientRequestHandler}; confined to its event loop.
 */
final class Exchange {
    final HttpMethod method;
    final String methodForLog;
    final String pathForLog;
    final HttpVersion clientVersion;
    final boolean clientKeepAlive;
    final long startNanos = System.nanoTime();

    /** The rewritten head, held while the connection to the proxy is being made. */
    HttpRequest pendingHead;
    /** The head as sent (it holds no buffer), kept to send it again once after a keep-alive race. */
    HttpRequest sentHead;
    /** Sent on a connection to the proxy that an earlier exchange had used. */
    boolean onReusedUpstream;
    /** Already sent a second time on a new connection. */
    boolean retried;
    boolean requestDone;
    /** The client's body is read and dropped (the response was already decided). */
    boolean discarding;
    /** A 1xx response is being relayed; the final response is still to come. */
    boolean informational;
    boolean responseStarted;
    boolean responseDone;
    int status;
    long bytesUp;
    long bytesDown;
    boolean closeClient;
    boolean reuseUpstream = true;
    /** Set when the exchange ends other than normally (an error code or who closed). */
    String closeReason;

    Exchange(HttpRequest request) {
        this.method = request.method();
        this.methodForLog = safeMethod(request.method());
        this.pathForLog = pathForLog(request.uri());
        this.clientVersion = request.protocolVersion();
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
    }

    /** The way the exchange ended, for the access log. */
    String endReason() {
        if (closeReason != null) {
            return closeReason;
        }
        return closeClient ? "close" : "keep-alive";
    }

    private static String safeMethod(HttpMethod method) {
        String name = method.name();
        return name.length() > 16 || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? "-" : name;
    }

    /** The path without its query (queries often carry tokens), printable and bounded. */
    private static String pathForLog(String uri) {
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (path.length() > 200) {
            path = path.substring(0, 200) + "...";
        }
        return path.isEmpty() || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? "-" : path;
    }
}
