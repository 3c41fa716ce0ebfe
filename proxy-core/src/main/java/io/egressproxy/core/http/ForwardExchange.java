package io.egressproxy.core.http;

import io.egressproxy.core.observe.AccessLog;
import io.egressproxy.core.observe.AccessRecord;
import io.egressproxy.core.observe.ConnectionId;
import io.egressproxy.core.inject.CredentialRule;
import io.egressproxy.core.inject.EchoRedactor;
import io.egressproxy.core.inject.HeaderInjector;
import io.egressproxy.core.policy.Decision;
import io.egressproxy.core.policy.PolicyScope;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One forwarded request and its response: finds an upstream connection (pooled or new), streams
 * the request body up and the response down with backpressure both ways (a side that cannot keep
 * up stops the other side being read, so nothing is buffered beyond the write-buffer water
 * marks), and ends with exactly one access-log line. Lives on the client's event loop; the
 * upstream channel is registered on the same loop, so no state here needs locking.
 */
final class ForwardExchange {
    private static final Logger log = LoggerFactory.getLogger(ForwardExchange.class);

    private final ProxyRequestHandler owner;
    private final ChannelHandlerContext client;
    private final HttpRequest request;
    private final RequestTarget target;
    private final Decision decision;
    private final PolicyScope scope;
    private final String reportNote;
    private final ExchangeServices services;
    private final boolean tls;
    private final List<CredentialRule> credentials;
    private final EchoRedactor redactor;
    private final boolean clientKeepAlive;
    private final boolean upgradeRequested;
    private final long startNanos = System.nanoTime();

    private Channel upstream;
    private UpstreamResponseHandler upstreamHandler;
    private UpstreamPool.Key poolKey;
    private List<InetAddress> addresses;
    private boolean reused;
    private boolean retried;
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean informational;
    private boolean upgrading;
    private boolean closeClientAfter;
    private boolean upstreamReusable;
    private boolean clientReadPending;
    private boolean upstreamReadPending;
    private boolean done;
    private int status;
    private long bytesUp;
    private long bytesDown;
    private ScheduledFuture<?> responseTimer;

    ForwardExchange(ProxyRequestHandler owner, ChannelHandlerContext client, HttpRequest request,
                    RequestTarget target, Decision decision, PolicyScope scope, String reportNote,
                    ExchangeServices services, boolean tls, List<CredentialRule> credentials) {
        this.tls = tls;
        this.credentials = credentials;
        this.redactor = credentials.isEmpty() ? null : new EchoRedactor(credentials);
        this.owner = owner;
        this.client = client;
        this.request = request;
        this.target = target;
        this.decision = decision;
        this.scope = scope;
        this.reportNote = reportNote;
        this.services = services;
        this.clientKeepAlive = HttpUtil.isKeepAlive(request);
        this.upgradeRequested = HopByHopHeaders.isWebSocketUpgrade(request.headers());
        prepareUpstreamHead();
    }

    /**
     * Turns the client's request head into the one sent upstream: origin-form, the proxy's own Host,
     * no hop-by-hop headers, then the credentials (after the hop-by-hop removal, so a client cannot
     * make the proxy drop them by naming them in Connection).
     */
    private void prepareUpstreamHead() {
        HopByHopHeaders.strip(request.headers(), upgradeRequested);
        request.setUri(target.pathAndQuery());
        request.setProtocolVersion(HttpVersion.HTTP_1_1);
        request.headers().set(HttpHeaderNames.HOST, target.hostHeader(tls ? 443 : 80));
        if (!credentials.isEmpty()) {
            HttpHeaders headers = request.headers();
            HeaderInjector.apply(credentials, headers::remove, headers::add);
            // Compressed bodies would hide an echoed secret from the redactor.
            headers.set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);
        }
    }

    void start() {
        services.connector().permittedAddresses(target.host(), target.port(), client.channel().eventLoop(), scope)
                .addListener((Future<List<InetAddress>> f) -> {
                    if (done) {
                        return;
                    }
                    if (f.isSuccess()) {
                        addresses = f.getNow();
                        acquireUpstream();
                    } else {
                        failBeforeResponse(f.cause());
                    }
                });
    }

    private void acquireUpstream() {
        UpstreamPool.Key key = new UpstreamPool.Key(target.host().name(), target.port(), addresses.get(0), tls);
        Channel pooled = retried ? null : services.pool().acquire(client.channel().eventLoop(), key);
        if (pooled != null) {
            reused = true;
            attach(pooled, key);
            return;
        }
        reused = false;
        services.connector().connect(client.channel().eventLoop(), target.host(), addresses, target.port(),
                tls ? services.tlsInitializer(target.host().name(), target.port()) : services.upstreamInitializer(), false).addListener((Future<Channel> f) -> {
                    if (done) {
                        if (f.isSuccess()) {
                            f.getNow().close();
                        }
                        return;
                    }
                    if (!f.isSuccess()) {
                        failBeforeResponse(f.cause());
                        return;
                    }
                    Channel channel = f.getNow();
                    InetAddress connected = ((InetSocketAddress) channel.remoteAddress()).getAddress();
                    attach(channel, new UpstreamPool.Key(target.host().name(), target.port(), connected, tls));
                });
    }

    private void attach(Channel channel, UpstreamPool.Key key) {
        upstream = channel;
        poolKey = key;
        upstreamHandler = channel.pipeline().get(UpstreamResponseHandler.class);
        upstreamHandler.bind(this);
        if (redactor != null && channel.pipeline().get(PipelineNames.DECOMPRESS) == null) {
            // Echo protection must see plain bytes, whatever the upstream sends despite our
            // Accept-Encoding: identity.
            channel.pipeline().addAfter(PipelineNames.HTTP_CODEC, PipelineNames.DECOMPRESS,
                    new io.netty.handler.codec.http.HttpContentDecompressor(0));
        }
        upstream.write(request).addListener(writeFailureCloses());
        if (requestComplete) {
            // A retry after a stale pooled connection: the body-less request is complete already.
            upstream.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(writeFailureCloses());
            startResponseTimer();
        } else {
            owner.readFromClient();
        }
        upstream.read();
    }

    private ChannelFutureListener writeFailureCloses() {
        return f -> {
            if (!f.isSuccess()) {
                f.channel().close();
            }
        };
    }

    /** A piece of the request body from the client. */
    void onClientContent(HttpContent content) {
        if (done || upstream == null) {
            content.release();
            return;
        }
        bytesUp += content.content().readableBytes();
        boolean last = content instanceof LastHttpContent;
        upstream.writeAndFlush(content).addListener(writeFailureCloses());
        if (last) {
            requestComplete = true;
            if (isResponseComplete()) {
                finish();
            } else {
                startResponseTimer();
            }
        } else if (upstream.isWritable()) {
            owner.readFromClient();
        } else {
            clientReadPending = true;
        }
    }

    private boolean responseComplete;

    private boolean isResponseComplete() {
        return responseComplete;
    }

    void upstreamWritabilityChanged() {
        if (clientReadPending && upstream.isWritable()) {
            clientReadPending = false;
            owner.readFromClient();
        }
    }

    void clientWritabilityChanged() {
        if (upstreamReadPending && client.channel().isWritable() && upstream != null) {
            upstreamReadPending = false;
            upstream.read();
        }
    }

    void onResponseHead(HttpResponse response) {
        if (done) {
            return;
        }
        if (response.decoderResult().isFailure()) {
            upstreamReusable = false;
            if (!responseStarted) {
                fail(ProxyError.UPSTREAM_BAD_RESPONSE, "upstream '" + target.authority()
                        + "' sent a malformed or oversized response head", null);
            } else {
                abort("upstream-bad-response");
            }
            upstream.close();
            return;
        }
        cancelResponseTimer();
        int code = response.status().code();
        if (code >= 100 && code < 200 && code != 101) {
            informational = true;
            HopByHopHeaders.strip(response.headers(), false);
            if (redactor != null) {
                redactNamesAndValues(response);
            }
            client.write(response);
            return;
        }
        if (redactor != null) {
            String encoding = response.headers().get(HttpHeaderNames.CONTENT_ENCODING);
            if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
                upstreamReusable = false;
                fail(ProxyError.UPSTREAM_BAD_RESPONSE, "upstream '" + target.authority() + "' answered a credential request with"
                        + " Content-Encoding '" + ErrorResponses.headerSafe(encoding) + "', which the proxy cannot check for an echoed"
                        + " secret; it must honour Accept-Encoding: identity", null);
                return;
            }
        }
        if (code == 101 && !upgradeRequested) {
            upstreamReusable = false;
            fail(ProxyError.UPSTREAM_BAD_RESPONSE, "upstream '" + target.authority()
                    + "' switched protocols (101) although the request asked for no upgrade", null);
            return;
        }
        responseStarted = true;
        status = code;
        upgrading = code == 101 && upgradeRequested;
        upstreamReusable = HttpUtil.isKeepAlive(response) && !upgrading;
        boolean bodiless = request.method().equals(HttpMethod.HEAD) || code == 204 || code == 304 || upgrading;
        boolean framed = bodiless || HttpUtil.isContentLengthSet(response) || HttpUtil.isTransferEncodingChunked(response);
        HopByHopHeaders.strip(response.headers(), upgrading);
        boolean http10Client = owner.clientVersion() == HttpVersion.HTTP_1_0;
        if (!framed) {
            // Close-delimited: the upstream connection ends the body, so it cannot be reused.
            upstreamReusable = false;
            if (http10Client) {
                closeClientAfter = true;
            } else {
                HttpUtil.setTransferEncodingChunked(response, true);
            }
        } else if (http10Client && HttpUtil.isTransferEncodingChunked(response)) {
            HttpUtil.setTransferEncodingChunked(response, false);
            closeClientAfter = true;
        }
        if (!clientKeepAlive || closeClientAfter) {
            closeClientAfter = true;
            if (!upgrading) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
        } else if (http10Client) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
        if (redactor != null) {
            redactHead(response, bodiless, http10Client);
        }
        client.write(response);
    }

    /**
     * Echo protection on a credential host's response: secrets in header values become the
     * placeholder, and since that changes the body length, the body is re-framed as chunked.
     */
    private void redactHead(HttpResponse response, boolean bodiless, boolean http10Client) {
        redactNamesAndValues(response);
        if (!bodiless && HttpUtil.isContentLengthSet(response)) {
            response.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
            if (http10Client) {
                closeClientAfter = true;
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            } else {
                HttpUtil.setTransferEncodingChunked(response, true);
            }
        }
    }

    /** Whether the whole request body has been sent on. */
    boolean requestComplete() {
        return requestComplete;
    }

    void onResponseContent(HttpContent content) {
        if (done) {
            content.release();
            return;
        }
        if (content.decoderResult().isFailure()) {
            // A response body that cannot be parsed: the client must not see a clean end.
            content.release();
            upstreamReusable = false;
            abort("upstream-bad-body");
            return;
        }
        boolean last = content instanceof LastHttpContent;
        if (informational) {
            client.write(content);
            if (last) {
                informational = false;
            }
            return;
        }
        bytesDown += content.content().readableBytes();
        client.write(redactor == null || upgrading ? content : redact(content, last));
        if (!last) {
            return;
        }
        responseComplete = true;
        if (upgrading) {
            client.flush();
            owner.switchToTunnel(upstream, this::recordUpgradeEnd);
            done = true;
            return;
        }
        if (!requestComplete) {
            // The upstream answered before the body was sent (e.g. 413): the rest of the body can
            // no longer be told apart from a next request, so the client connection ends here.
            closeClientAfter = true;
            upstreamReusable = false;
        }
        finish();
    }

    /** Secrets in header values become the placeholder; headers whose name holds one, and a reason phrase holding one, go. */
    private void redactNamesAndValues(HttpResponse response) {
        redactHeaders(response.headers());
        String phrase = response.status().reasonPhrase();
        if (!redactor.redactHeader(phrase).equals(phrase)) {
            response.setStatus(io.netty.handler.codec.http.HttpResponseStatus.valueOf(response.status().code()));
        }
    }

    private void redactHeaders(HttpHeaders headers) {
        List<String> badNames = new java.util.ArrayList<>();
        for (Map.Entry<String, String> header : headers.entries()) {
            if (!redactor.redactHeader(header.getKey()).equals(header.getKey())) {
                badNames.add(header.getKey());
                continue;
            }
            String redacted = redactor.redactHeader(header.getValue());
            if (!redacted.equals(header.getValue())) {
                header.setValue(redacted);
            }
        }
        badNames.forEach(headers::remove);
    }

    private HttpContent redact(HttpContent content, boolean last) {
        if (redactor.passesUnchanged(content.content(), last)) {
            if (content instanceof LastHttpContent lastContent && !lastContent.trailingHeaders().isEmpty()) {
                redactHeaders(lastContent.trailingHeaders());
            }
            return content;
        }
        byte[] out;
        try {
            out = redactor.redact(ByteBufUtil.getBytes(content.content()), last);
        } finally {
            content.release();
        }
        ByteBuf buf = client.alloc().buffer(out.length).writeBytes(out);
        if (last) {
            DefaultLastHttpContent lastContent = new DefaultLastHttpContent(buf);
            lastContent.trailingHeaders().set(((LastHttpContent) content).trailingHeaders());
            redactHeaders(lastContent.trailingHeaders());
            return lastContent;
        }
        return new DefaultHttpContent(buf);
    }

    /** Bytes after a 101 that the upstream codec passed through before the switch to a relay. */
    void onUpgradedBytes(ByteBuf bytes) {
        bytesDown += bytes.readableBytes();
        client.channel().write(bytes);
    }

    void upstreamReadComplete() {
        if (done) {
            return;
        }
        client.flush();
        if (responseComplete) {
            return;
        }
        if (client.channel().isWritable()) {
            upstream.read();
        } else {
            upstreamReadPending = true;
        }
    }

    void upstreamClosed() {
        if (done) {
            return;
        }
        if (!responseStarted && reused && !retried && bytesUp == 0 && requestComplete) {
            // A pooled connection the upstream had already closed: send the body-less request again.
            retried = true;
            upstreamHandler.unbind();
            cancelResponseTimer();
            acquireUpstream();
            return;
        }
        if (!responseStarted) {
            fail(ProxyError.UPSTREAM_CLOSED, "upstream '" + target.authority()
                    + "' closed the connection before sending a response", null);
        } else {
            abort("upstream-closed");
        }
    }

    void upstreamFailed(Throwable cause) {
        log.debug("{} upstream {} failed: {}", owner.id(), target.authority(), cause.toString());
        if (done || responseStarted) {
            return;
        }
        Throwable tlsCause = tlsCause(cause);
        if (tlsCause != null) {
            fail(ProxyError.UPSTREAM_TLS, "TLS with upstream '" + target.authority() + "' failed: "
                    + firstLine(rootMessage(tlsCause)) + " (the upstream's certificate must be trusted by the JDK or"
                    + " egress-proxy.tls.upstream-trust and name the host)", null);
        }
    }

    /** The most specific message in the cause chain ("unable to find valid certification path", "No subject alternative names..."). */
    private static String rootMessage(Throwable cause) {
        String message = null;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message;
    }

    private static Throwable tlsCause(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException) {
                return t;
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "handshake failed";
        }
        String line = message.lines().findFirst().orElse(message);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    /**
     * The client's body could not be parsed: the upstream has a cut-off request, so its connection
     * is closed (never reused) and the client gets a 400, or just a close once a response started.
     */
    void clientBodyMalformed(String reason) {
        if (done) {
            return;
        }
        upstreamReusable = false;
        if (!responseStarted) {
            requestComplete = false;
            fail(ProxyError.BAD_REQUEST, reason, null);
        } else {
            abort("client-bad-body");
        }
    }

    /** The client went away: drop the upstream connection, it is mid-exchange. */
    void clientClosed() {
        if (done) {
            return;
        }
        done = true;
        cancelResponseTimer();
        if (upstream != null) {
            upstreamHandler.unbind();
            upstream.close();
        }
        record(status == 0 ? 499 : status, "client-closed", null);
    }

    private void startResponseTimer() {
        long millis = services.responseTimeout().toMillis();
        if (millis <= 0 || responseStarted || done) {
            return;
        }
        cancelResponseTimer();
        responseTimer = client.channel().eventLoop().schedule(() -> {
            if (!responseStarted && !done) {
                fail(ProxyError.RESPONSE_TIMEOUT, "upstream '" + target.authority() + "' sent no response within "
                        + millis + " ms (egress-proxy.limits.response-timeout)", null);
                if (upstream != null) {
                    upstream.close();
                }
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    private void cancelResponseTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    private void failBeforeResponse(Throwable cause) {
        if (cause instanceof UpstreamFailure failure) {
            fail(failure.error(), failure.getMessage(), failure.rule());
        } else {
            fail(ProxyError.CONNECT_FAILED, "could not reach '" + target.authority() + "': " + cause.getClass().getSimpleName(), null);
        }
    }

    /** Answers the client with the proxy's own error instead of a response. */
    private void fail(ProxyError error, String reason, String rule) {
        done = true;
        cancelResponseTimer();
        if (upstream != null) {
            upstreamHandler.unbind();
            upstream.close();
        }
        boolean bodyless = !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) == 0;
        boolean close = (!requestComplete && !bodyless) || !clientKeepAlive;
        status = error.status().code();
        String decisionWord = error == ProxyError.DENIED ? "deny" : "error";
        log.debug("{} {} {}: {}", owner.id(), request.method(), target.authority(), reason);
        recordAs(decisionWord, status, close ? "proxy-error" : "keep-alive", reason, rule, error.code());
        owner.answerWithError(error, reason, close, !requestComplete);
    }

    /** The response was cut off after it started: the client can only learn that from a close. */
    private void abort(String closeReason) {
        done = true;
        cancelResponseTimer();
        if (upstream != null) {
            upstreamHandler.unbind();
            upstream.close();
        }
        record(status, closeReason, "response cut off by " + closeReason);
        owner.exchangeFinished(true);
    }

    private void finish() {
        done = true;
        cancelResponseTimer();
        upstreamHandler.unbind();
        if (upstreamReusable && requestComplete && upstream.isActive()) {
            services.pool().release(poolKey, upstream);
        } else {
            upstream.close();
        }
        record(status, closeClientAfter ? "close" : "keep-alive", null);
        owner.exchangeFinished(closeClientAfter);
    }

    private void recordUpgradeEnd(long up, long down, String closeReason) {
        bytesUp += up;
        bytesDown += down;
        record(status, closeReason, null);
    }

    private void record(int code, String closeReason, String reason) {
        recordAs(reportNote != null ? "report" : "allow", code, closeReason, reportNote != null ? reportNote : reason,
                decision.rule(), null);
    }

    private void recordAs(String decisionWord, int code, String closeReason, String reason, String rule, String errorCode) {
        services.context().events().record(new AccessRecord(owner.id(), Channels.remote(client.channel()), scope.sandbox(),
                request.method().name(), (tls ? "https://" : "http://") + target.authority() + pathWithoutQuery(), decisionWord,
                rule, code, bytesUp, bytesDown, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), closeReason,
                reason, errorCode));
    }

    private String pathWithoutQuery() {
        String path = target.pathAndQuery();
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    ConnectionId id() {
        return owner.id();
    }
}
